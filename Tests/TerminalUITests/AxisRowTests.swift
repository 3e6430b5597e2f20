import Foundation
import Testing

@testable import TerminalUI

/// A chart's picture agrees with its numbers: a value equal to a tick is drawn in the
/// tick's row, a value above it never below, and every axis has three labels or more.
@Suite struct AxisRowTests {
    /// The rows, from the top of the chart, that a series in `style` inks.
    static func rows(of style: Style, in buffer: Buffer) -> Set<Int> {
        Set((0..<buffer.height).filter { y in (0..<buffer.width).contains { buffer[$0, y].style == style && buffer[$0, y].character != " " } })
    }

    /// The y labels and their rows.
    static func ticks(in buffer: Buffer) -> [(row: Int, label: String)] {
        buffer.lines.enumerated().compactMap { row, line in
            guard let mark = line.firstIndex(of: "┤") else { return nil }
            return (row, line[..<mark].trimmingCharacters(in: .whitespaces))
        }
    }

    static func value(ofLabel label: String) -> Double? {
        if label.hasSuffix("k") { return Double(label.dropLast()).map { $0 * 1e3 } }
        if label.hasSuffix("M") { return Double(label.dropLast()).map { $0 * 1e6 } }
        return Double(label)
    }

    static func chart(range: (Double, Double), level: Double, logScale: Bool, style: Style) -> LineChart {
        var chart = LineChart()
        chart.logScale = logScale
        let spread = ChartSample(x0: 0, x1: 10, low: range.0, high: range.1, mean: range.0, weight: 10)
        chart.series = [
            .init(name: "range", kind: .band, samples: [spread], style: .plain),
            .init(name: "level", kind: .line, samples: [ChartSample(x: 0, y: level), ChartSample(x: 10, y: level)], style: style),
        ]
        return chart
    }

    @Test(arguments: [false, true])
    func aValueAtATickIsDrawnInTheTicksRowAtEveryHeight(logScale: Bool) throws {
        let marked = Style(attributes: .underline)
        let ranges: [(Double, Double)] = logScale ? [(1e-9, 1e-3), (0.1, 5), (0.003, 0.4), (1e-30, 10)] : [(0, 3.4), (-0.7, 12), (0.0039, 2.31), (0.069, 0.2)]
        for height in 4...40 {
            for range in ranges {
                var probe = Buffer(width: 40, height: height)
                Self.chart(range: range, level: range.0, logScale: logScale, style: .plain).render(into: &probe, area: probe.area, context: .full)
                let ticks = Self.ticks(in: probe)
                #expect(ticks.count >= 3 || height - 2 < 3, "height \(height), \(range): \(probe.lines)")
                for tick in ticks {
                    let value = try #require(Self.value(ofLabel: tick.label), "label \(tick.label)")
                    for (level, relation) in [(value, 0), (value * (value > 0 ? 1.02 : 0.98) + 1e-300, 1)] where level >= range.0 && level <= range.1 {
                        var buffer = Buffer(width: 40, height: height)
                        Self.chart(range: range, level: level, logScale: logScale, style: marked).render(into: &buffer, area: buffer.area, context: .full)
                        let row = try #require(Self.rows(of: marked, in: buffer).first, "\(buffer.lines)")
                        if relation == 0 {
                            #expect(row == tick.row, "height \(height), \(range): \(level) drawn in row \(row), its tick \(tick.label) in \(tick.row)")
                        } else {
                            #expect(row <= tick.row, "height \(height), \(range): \(level) drawn below its tick \(tick.label)")
                        }
                    }
                }
            }
        }
    }

    @Test func axesHaveAtLeastThreeLabels() {
        #expect(Axis.ticks(-3, 7, count: 2, logarithmic: false).count >= 3)
        // `l` on a run from 0.1 to 5: 0.1, 0.3, 1, 3, not just "1".
        #expect(Axis.ticks(log10(0.1), log10(5), count: 5, logarithmic: true).map(\.label) == ["0.1", "0.3", "1", "3"])
        #expect(Axis.ticks(-9, -3, count: 4, logarithmic: true).map(\.label) == ["1e-9", "1e-7", "1e-5", "1e-3"])
        // A run of 1.3 seconds on the time axis: sub-second ticks from the origin.
        let clock = XScale(toShown: { $0 }, fromShown: { $0 }, isClock: true).ticks(0, 1.3, count: 4)
        #expect(clock.map(\.label) == ["0s", "0.5s", "1s"])
    }

    /// A gradient norm from 3e-3 to 30 in three rows with a clip line at 1: the row
    /// the clip is drawn in is labelled "1", not "0.1" that shares it.
    @Test func aReferenceAtARoundValueLabelsItsRow() throws {
        let clip = Style(attributes: .underline)
        var chart = Self.chart(range: (3e-3, 30), level: 0.08, logScale: true, style: .plain)
        chart.references = [.init(label: "clip", value: 1, style: clip)]
        var buffer = Buffer(width: 40, height: 5)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let row = try #require(Self.rows(of: clip, in: buffer).first)
        #expect(Self.ticks(in: buffer).first { $0.row == row }?.label == "1", "\(buffer.lines)")
        #expect(Self.ticks(in: buffer).count >= 3)
        // A reference at a value that is not round (a baseline of 0.1663) leaves the ticks as they are.
        chart.references = [.init(label: "baseline", value: 0.1663, style: clip)]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        #expect(!Self.ticks(in: buffer).contains { $0.label.hasPrefix("0.166") })
    }
}

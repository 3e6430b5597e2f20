import Foundation
import RNNCore
import TerminalUI
import Testing
import Training

@testable import rnntop

/// The loss chart read as a picture: a long run draws the same way from its merged
/// past to its exact recent points (no wall at the right end), the smoothed line is
/// one unbroken stroke, and the time charts share their window.
@Suite struct ChartReadabilityTests {
    static let band = Style(attributes: .dim), line = Style(attributes: .bold)

    /// A long stationary noisy series, far more points than the history keeps
    /// exactly, drawn as the loss panel draws it.
    static func drawLongNoisyRun(width: Int = 80, height: Int = 14) -> (buffer: Buffer, plot: ClosedRange<Int>) {
        var history = MetricHistory()
        var generator = RandomGenerator(seed: 11)
        let steps = 300_000
        for step in 1...steps { history.append(step: step, value: 0.5 + 0.1 * Double(generator.nextNormal())) }
        #expect(history.buckets.count > 100 && history.recent.count < steps / 50, "most of the run is merged")
        let raw = ChartData.samples(history)
        var chart = LineChart()
        chart.xRange = 0...Double(steps)
        chart.series = [
            .init(name: "raw", kind: .band, samples: raw, style: band),
            .init(name: "smoothed", kind: .line, samples: ChartData.smoothed(raw, weight: 0.9), style: line),
        ]
        var buffer = Buffer(width: width, height: height)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        // The plot's columns: right of the y axis, up to the last column with data.
        let axis = buffer.lines[0].unicodeScalars.firstIndex { $0 == "│" || $0 == "┤" }!
        let first = buffer.lines[0].unicodeScalars.distance(from: buffer.lines[0].unicodeScalars.startIndex, to: axis) + 1
        let last = (first..<width).last { x in (0..<(height - 2)).contains { buffer[x, $0].style == line } }!
        return (buffer, first...last)
    }

    /// Rows of a column holding the series (band or line), top to bottom.
    static func inked(_ buffer: Buffer, column x: Int, rows: Int, styles: [Style]) -> [Int] {
        (0..<rows).filter { y in styles.contains(buffer[x, y].style) && buffer[x, y].character != " " }
    }

    @Test func aLongRunHasNoWallAtItsRightEnd() {
        let (buffer, plot) = Self.drawLongNoisyRun()
        let rows = buffer.height - 2
        func height(_ x: Int) -> Double {
            let inked = Self.inked(buffer, column: x, rows: rows, styles: [Self.band, Self.line])
            return Double((inked.last ?? 0) - (inked.first ?? 0) + 1)
        }
        let tenth = plot.count / 10
        let early = plot.prefix(tenth).map(height).reduce(0, +) / Double(tenth)
        let late = plot.suffix(tenth).map(height).reduce(0, +) / Double(tenth)
        #expect(abs(late - early) <= 0.2 * early, "band height: first tenth \(early) rows, last tenth \(late) rows\n\(buffer.lines.joined(separator: "\n"))")
    }

    @Test func theSmoothedLineIsOneUnbrokenStroke() {
        let (buffer, plot) = Self.drawLongNoisyRun()
        let rows = buffer.height - 2
        for x in plot {
            let cells = Self.inked(buffer, column: x, rows: rows, styles: [Self.line])
            #expect(!cells.isEmpty, "column \(x) has no line")
            #expect(cells.last.map { $0 - cells[0] + 1 } == cells.count, "column \(x): the line's cells \(cells) have a gap")
        }
    }

    @Test func aNewModelBreaksTheCurveInsteadOfJoiningTwoModels() throws {
        var history = MetricHistory()
        for step in 1...200 { history.append(step: step, value: step <= 100 ? 0.2 : 2) }
        let samples = ChartData.smoothed(ChartData.samples(history, breaks: [100]), weight: 0.9)
        let gap = try #require(samples.firstIndex { $0.isGap })
        #expect(samples[gap - 1].x0 == 100 && samples[gap + 1].x0 == 101)
        // The new model's line starts at its own first value, not dragged from 0.2.
        #expect(samples[gap + 1].mean == 2)
    }

    @Test func theWindowZoomsPansAndFollowsTheLiveEnd() {
        let whole = ChartWindow.whole
        #expect(whole.range(last: 6_186) == 0...6_500)
        let zoomed = whole.zoomedIn(last: 6_186, center: nil)
        #expect(zoomed == .trailing(steps: 3_250))
        #expect(zoomed.range(last: 10_000) == 6_750...10_000, "at the live end the window follows new steps")
        let back = zoomed.panned(by: -0.25, last: 6_186)
        guard case .fixed(let held) = back else { Issue.record("panning back holds its steps"); return }
        #expect(back.range(last: 9_000) == held, "a window off the live end keeps its steps while the run goes on")
        #expect(back.panned(by: 0.25, last: 6_186) == .trailing(steps: 3_250), "back at the end it follows again")
        #expect(zoomed.zoomedIn(last: 6_186, center: 1_000) == .fixed(187.5...1_812.5))
        #expect(zoomed.zoomedOut(last: 6_186) == .whole)
    }

    @Test func theXAxisCountsEpochsOrTimeFromTheRunsOwnRecord() {
        var epochs = MetricHistory(), seconds = MetricHistory()
        for step in 1...400 {
            epochs.append(step: step, value: Double(step) / 40)
            seconds.append(step: step, value: Double(step) * 0.5)
        }
        let table = StepTable(epochs)
        #expect(abs(table.value(at: 200) - 5) < 1e-9 && abs(table.step(at: 2.5) - 100) < 1e-9)
        let time = StepTable(seconds)
        #expect(abs(time.value(at: 120) - 60) < 1e-9)
        let ticks = XScale(toShown: { time.value(at: $0) }, fromShown: { time.step(at: $0) }, isClock: true)
        #expect(ticks.toShown(240) == 120 && abs(ticks.fromShown(60) - 120) < 1e-9)
    }
}

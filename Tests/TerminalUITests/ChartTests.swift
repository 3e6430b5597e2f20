import Foundation
import Testing

@testable import TerminalUI

/// Line charts, bar profiles and sparklines: known data gives known glyphs, log
/// axes are labelled by decades, layers keep the top series whole, and no value
/// breaks a widget.
@Suite struct ChartTests {
    static func points(_ values: [(Double, Double)]) -> [ChartSample] {
        values.map { ChartSample(x: $0.0, y: $0.1) }
    }

    static func line(_ values: [(Double, Double)], style: Style = .plain) -> LineChart.Series {
        .init(name: "s", kind: .line, samples: points(values), style: style)
    }

    @Test func aLineInBrailleSetsTheDotsItCrosses() {
        var canvas = Canvas(columns: 2, rows: 1, unicode: true)
        canvas.beginLayer(.init(style: .plain, ascii: "*"))
        canvas.line(0, 3, 3, 0)
        var buffer = Buffer(width: 2, height: 1)
        canvas.render(into: &buffer, x: 0, y: 0)
        // (0,3) and (1,2) in the first cell, (2,1) and (3,0) in the second.
        #expect(buffer.lines == ["⡠⠊"])
    }

    @Test func aCellShowsOnlyItsTopLayersDots() {
        var canvas = Canvas(columns: 1, rows: 1, unicode: true)
        canvas.beginLayer(.init(style: Style(attributes: .dim), ascii: ":"))
        canvas.stroke(0, 0, 3)  // the whole left column
        canvas.beginLayer(.init(style: Style(attributes: .bold), ascii: "*"))
        canvas.set(1, 0)  // one dot top right
        var buffer = Buffer(width: 1, height: 1)
        canvas.render(into: &buffer, x: 0, y: 0)
        #expect(buffer.lines == ["⠈"] && buffer[0, 0].style.attributes == .bold)
    }

    @Test func aRisingSeriesDrawsKnownBrailleWithTicks() {
        var buffer = Buffer(width: 20, height: 7)
        var chart = LineChart()
        chart.series = [Self.line((0...8).map { (Double($0), Double($0)) })]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        #expect(
            buffer.lines == [
                "8┤               ⣀⠤⠒",
                "6┤           ⡠⠔⠒⠉   ",
                "4┤       ⢀⡠⠔⠉       ",
                "2┤   ⣀⠤⠒⠉⠁          ",
                "0┤⠔⠊⠉               ",
                " └┴──────────┴──────",
                "  0          5      ",
            ])
    }

    @Test func aLogAxisIsLabelledInDecades() {
        var buffer = Buffer(width: 24, height: 12)
        var chart = LineChart()
        chart.logScale = true
        chart.series = [Self.line((0...6).map { (Double($0), pow(10, 3 - Double($0))) })]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let labels = buffer.lines.dropLast(2).map { $0.prefix { $0 != "│" && $0 != "┤" }.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        #expect(labels == ["1e3", "10", "1e-1", "1e-3"])
    }

    /// A baseline the data sits on stays visible: the reference is drawn over the
    /// series, two cells on and one off, and the series shows in the gaps.
    @Test func aReferenceLineIsDashedAcrossThePlotOverTheData() throws {
        var buffer = Buffer(width: 30, height: 11)
        var chart = LineChart()
        chart.series = [Self.line([(0, 1), (10, 1)]), Self.line([(0, 0), (10, 2)])]
        chart.references = [.init(label: "baseline", value: 1, style: Style(attributes: .bold))]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let referenceRow = try #require(buffer.lines.firstIndex { $0.hasPrefix("1┤") }, "\(buffer.lines)")
        let plot = 2..<30
        let dashed = plot.filter { buffer[$0, referenceRow].style.attributes.contains(.bold) }
        #expect(dashed.first == 2 && dashed.count >= 18 && dashed.count <= 20, "\(buffer.lines)")
        let gaps = plot.filter { !dashed.contains($0) }
        #expect(gaps.allSatisfy { buffer[$0, referenceRow].character != " " }, "the series at the baseline shows between the dashes")
    }

    @Test func outliersRunOffTheTopInsteadOfFlatteningTheRest() {
        var values = (0..<200).map { (Double($0), 1.0 - Double($0) / 400) }
        values[10].1 = 1000
        var chart = LineChart()
        chart.ignoresOutliers = true
        chart.series = [Self.line(values)]
        var buffer = Buffer(width: 40, height: 10)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let labels = buffer.lines.joined()
        #expect(!labels.contains("1k") && !labels.contains("1000"))
        // The slope fills the plot's height instead of a flat line at the bottom.
        let rows = buffer.lines.filter { $0.unicodeScalars.contains { $0.value > 0x2800 && $0.value <= 0x28FF } }
        #expect(rows.count >= 6, "\(buffer.lines)")
    }

    @Test func nanAndInfinityAreMarkedNotDrawn() {
        var buffer = Buffer(width: 20, height: 6)
        var chart = LineChart()
        chart.series = [Self.line([(0, 1), (1, .nan), (2, .infinity), (3, 0.5)])]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].contains("!"))
        #expect(!buffer.lines.joined().contains("nan"))
    }

    @Test func extremeValuesDoNotBreakTheChart() {
        for values in [[1e-300, 1e300], [Double.leastNonzeroMagnitude, 1], [-1e308, 1e308], [5, 5, 5], [Double.nan]] {
            for logScale in [false, true] {
                var chart = LineChart()
                chart.logScale = logScale
                chart.series = [
                    .init(name: "b", kind: .band, samples: Self.points(values.enumerated().map { (Double($0), $1) }), style: .plain),
                    Self.line(values.enumerated().map { (Double($0), $1) }),
                ]
                for (width, height) in [(0, 0), (1, 1), (8, 3), (40, 12)] {
                    var buffer = Buffer(width: width, height: height)
                    chart.render(into: &buffer, area: buffer.area, context: .full)
                    // Too small an area is left alone; a large one shows the data or
                    // says there is none, whatever the values.
                    if width >= 40 {
                        #expect(buffer.lines.joined().contains { $0 != " " }, "\(values) log \(logScale) \(width)x\(height)")
                    } else if width < 8 {
                        #expect(buffer == Buffer(width: width, height: height))
                    }
                }
            }
        }
    }

    @Test func aChartWithNoPointsSaysSo() {
        var buffer = Buffer(width: 20, height: 4)
        LineChart().render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].hasPrefix("no data yet"))
    }

    @Test func theAsciiChartUsesEachSeriesCharacter() {
        var buffer = Buffer(width: 20, height: 6)
        var chart = LineChart()
        chart.series = [
            .init(name: "band", kind: .band, samples: Self.points([(0, 0), (0, 0.2), (1, 0.9), (1, 1)]), style: .plain, glyph: ":"),
            .init(name: "line", kind: .line, samples: Self.points([(0, 0.1), (1, 0.95)]), style: .plain, glyph: "*"),
        ]
        chart.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: false, color: false))
        #expect(buffer.lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(buffer.lines.joined().contains("*") && buffer.lines.joined().contains(":"))
    }

    /// A profile falling by thirty decades: the axis spans the top 24, every column
    /// holds a bar, each at least as tall as the one before, and the steps below the
    /// axis are marked "↓", not drawn as if they were at its foot.
    @Test func aBarProfileSpansTwentyFourDecadesAndMarksWhatIsBelow() {
        let values = (0...30).map { pow(10, -Double(30 - $0)) }
        var buffer = Buffer(width: 68, height: 8)
        BarProfile(values: values, style: .plain).render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].hasPrefix("    1"))
        #expect(buffer.lines[7].hasPrefix("1e-24"))
        let heights = (6..<68).map { x in (0..<8).filter { buffer[x, $0].character != " " }.count }
        #expect(heights.allSatisfy { $0 > 0 })
        #expect(heights == heights.sorted())
        #expect(heights.first == 1 && heights.last == 8)
        // 1e-30 to 1e-25, six of the 31 steps, are below the axis: 12 of the 62 columns.
        #expect(buffer.lines[7].dropFirst(6).prefix(12) == String(repeating: "↓", count: 12))
        #expect(buffer.lines[7].dropFirst(18).first != "↓")
    }

    @Test func aBarProfileSpansTheRangeItIsGiven() {
        var buffer = Buffer(width: 20, height: 4)
        var bars = BarProfile(values: [1e-3, 1e-2, 1e-1], style: .plain)
        bars.range = 1e-20...1e-1
        bars.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[3].hasPrefix("1e-20"))
    }

    /// A healthy profile within one decade is drawn as a shape over two decades, not
    /// as a solid block: its lowest bar is visibly shorter than its highest.
    @Test func aProfileWithinOneDecadeHasAShape() {
        #expect(Axis.profileDecades(0.02, 0.09) == -3...(-1))
        var buffer = Buffer(width: 26, height: 4)
        BarProfile(values: (0..<20).map { 0.02 + 0.07 * Double($0) / 19 }, style: .plain)
            .render(into: &buffer, area: buffer.area, context: .full)
        let heights = (6..<26).map { x in (0..<4).filter { buffer[x, $0].character != " " }.count }
        #expect(heights.first == 3 && heights.last == 4, "\(buffer.lines)")
    }

    /// One underflow to 1e-38 does not squash a 1e-9..1e-3 ramp into full bars: the
    /// axis spans at most 24 decades below the top, what lies under it is marked "↓".
    @Test func anUnderflowBelowTheAxisIsMarkedNotDrawnFull() {
        #expect(Axis.profileDecades(1e-38, 1e-3) == -27...(-3))
        var buffer = Buffer(width: 30, height: 6)
        BarProfile(values: [1e-38] + (0..<23).map { pow(10, -9 + 6 * Double($0) / 22) }, style: .plain)
            .render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[5].hasPrefix("1e-27"))
        #expect(buffer[6, 5].character == "↓", "\(buffer.lines)")
        let heights = (7..<30).map { x in (0..<6).filter { buffer[x, $0].character != " " }.count }
        #expect(heights.first! < heights.last! && heights.first! < 6, "the ramp rises: \(heights)")
    }

    @Test func aBarProfileMarksZerosAndBlowUps() {
        var buffer = Buffer(width: 12, height: 4)
        BarProfile(values: [0, 1e-3, .nan, 1], style: .plain).render(into: &buffer, area: buffer.area, context: .full)
        let bars = buffer.lines.map { String($0.dropFirst(5)) }
        #expect(bars[3].hasPrefix("··"), "the zero's columns")
        #expect(bars[0].contains("!"))
        #expect(bars.allSatisfy { $0.hasSuffix("█") }, "the largest value, last, fills its column \(bars)")
    }

    @Test func aSparklineFollowsItsValues() {
        var buffer = Buffer(width: 8, height: 1)
        Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7], style: .plain).render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines == ["▁▂▃▄▅▆▇█"])
        var flat = Buffer(width: 3, height: 1)
        Sparkline(values: [2, .nan, 2], style: .plain).render(into: &flat, area: flat.area, context: .full)
        #expect(flat.lines == ["▅!▅"])
    }

    @Test func ticksAreRoundNumbers() {
        #expect(Axis.linearTicks(0, 1, count: 4) == [0, 0.5, 1])
        #expect(Axis.linearTicks(-3, 7, count: 2) == [0, 5])
        #expect(Axis.decadeTicks(-30.5, 0, count: 4) == [-30, -22, -14, -6])
        #expect(Axis.label(1500) == "1.5k" && Axis.label(0.125) == "0.125" && Axis.label(1e-5) == "1e-05")
    }

    /// Zoomed far in, ticks 20 steps apart at 26.8k: the labels say so, never
    /// "26.8k 26.8k 26.9k".
    @Test func axisLabelsNeverRepeat() {
        let labels = Axis.labelled(Axis.linearTicks(26_800, 26_900, count: 5)).map(\.label)
        #expect(labels == ["26.8k", "26.82k", "26.84k", "26.86k", "26.88k", "26.9k"])
        #expect(Axis.clockTicks(0, 300, count: 5) == [0, 60, 120, 180, 240, 300])
        #expect(Axis.clock(3725) == "1:02:05" && Axis.clock(90) == "1:30")
    }

    @Test func markersSitOnTheXAxisAtTheirStep() {
        var chart = LineChart()
        chart.series = [Self.line((0...100).map { (Double($0), Double($0 % 7)) })]
        chart.markers = [.init(x: 50, symbol: "m", style: .plain)]
        var buffer = Buffer(width: 42, height: 8)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let axis = buffer.lines[6]
        let plotStart = axis.firstIndex(of: "└").map { axis.distance(from: axis.startIndex, to: $0) + 1 }!
        let column = axis.distance(from: axis.startIndex, to: axis.firstIndex(of: "m")!)
        let plotWidth = 42 - plotStart
        #expect(abs(column - plotStart - (plotWidth - 1) / 2) <= 1, "\(axis)")
    }
}

/// The percentile selection the outlier-robust scale uses.
@Suite struct SelectionTests {
    /// SplitMix64: a seeded generator, so a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func selectFindsTheKthSmallest() {
        var generator = SeededGenerator(state: 42)
        for count in [1, 2, 3, 10, 101, 1000] {
            let values = (0..<count).map { _ in Double(Int.random(in: -50...50, using: &generator)) }
            let sorted = values.sorted()
            for k in Set([0, count / 100, count / 2, count - 1 - count / 100, count - 1]) {
                var scratch = values
                #expect(LineChart.select(k, in: &scratch) == sorted[k], "k \(k) of \(count)")
            }
        }
    }
}

extension ChartTests {
    @Test func aSpikeFarOffTheScaleLeavesTheChartAtTheTop() {
        var values = (0..<300).map { (Double($0), 1.0) }
        values[150].1 = 1e300
        var chart = LineChart()
        chart.ignoresOutliers = true
        chart.series = [.init(name: "raw", kind: .band, samples: Self.points(values), style: .plain)]
        var buffer = Buffer(width: 40, height: 8)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let column = buffer.lines.map { Array($0.unicodeScalars) }
        let spikeColumns = (0..<40).filter { x in column[0][x] != " " && column[0][x].value >= 0x2800 }
        #expect(!spikeColumns.isEmpty, "the spike reaches the top row")
    }
}

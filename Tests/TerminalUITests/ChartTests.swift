import Foundation
import Testing

@testable import TerminalUI

/// Line charts, bar profiles and sparklines: known data gives known glyphs, log
/// axes are labelled by decades, and no value breaks a widget.
@Suite struct ChartTests {
    @Test func aLineInBrailleSetsTheDotsItCrosses() {
        var canvas = Canvas(columns: 2, rows: 1, unicode: true)
        canvas.line(0, 3, 3, 0, .plain)
        var buffer = Buffer(width: 2, height: 1)
        canvas.render(into: &buffer, x: 0, y: 0)
        // (0,3) and (1,2) in the first cell, (2,1) and (3,0) in the second.
        #expect(buffer.lines == ["⡠⠊"])
    }

    @Test func aRisingSeriesDrawsKnownBrailleWithTicks() {
        var buffer = Buffer(width: 20, height: 6)
        var chart = LineChart()
        chart.series = [.init(name: "up", points: (0...8).map { (Double($0), Double($0)) }, style: .plain)]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        #expect(
            buffer.lines == [
                " │               ⣀⠤⠒",
                " │           ⡠⠔⠒⠉   ",
                "5┤       ⢀⡠⠔⠉       ",
                " │   ⣀⠤⠒⠉⠁          ",
                "0┤⠔⠊⠉               ",
                "  0       4        8",
            ])
    }

    @Test func aLogAxisIsLabelledInDecades() {
        var buffer = Buffer(width: 24, height: 12)
        var chart = LineChart()
        chart.logScale = true
        chart.series = [.init(name: "down", points: (0...6).map { (Double($0), pow(10, 3 - Double($0))) }, style: .plain)]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let labels = buffer.lines.dropLast().map { $0.prefix { $0 != "│" && $0 != "┤" }.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        #expect(labels == ["1e3", "1", "1e-3"])
    }

    @Test func aReferenceLineIsDashedAcrossThePlot() {
        var buffer = Buffer(width: 30, height: 5)
        var chart = LineChart()
        chart.series = [.init(name: "flat", points: [(0, 0), (10, 0)], style: .plain)]
        chart.references = [.init(label: "clip", value: 1, style: Style(attributes: .bold))]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let referenceRow = buffer.lines.firstIndex { $0.hasPrefix("1┤") }!
        let dots = (3..<30).filter { buffer[$0, referenceRow].style.attributes.contains(.bold) }
        #expect(dots.count == 27)
    }

    @Test func outliersRunOffTheTopInsteadOfFlatteningTheRest() {
        var points = (0..<200).map { (x: Double($0), y: 1.0 - Double($0) / 400) }
        points[10].y = 1000
        var chart = LineChart()
        chart.ignoresOutliers = true
        chart.series = [.init(name: "loss", points: points, style: .plain)]
        var buffer = Buffer(width: 40, height: 10)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let labels = buffer.lines.joined()
        #expect(!labels.contains("1k") && !labels.contains("1000"))
        #expect(labels.contains("0.6") || labels.contains("0.8"))
    }

    @Test func nanAndInfinityAreMarkedNotDrawn() {
        var buffer = Buffer(width: 20, height: 6)
        var chart = LineChart()
        chart.series = [.init(name: "loss", points: [(0, 1), (1, .nan), (2, .infinity), (3, 0.5)], style: .plain)]
        chart.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].contains("!"))
        #expect(!buffer.lines.joined().contains("nan"))
    }

    @Test func extremeValuesDoNotBreakTheChart() {
        for values in [[1e-300, 1e300], [Double.leastNonzeroMagnitude, 1], [-1e308, 1e308], [5, 5, 5], [Double.nan]] {
            for logScale in [false, true] {
                var chart = LineChart()
                chart.logScale = logScale
                chart.series = [.init(name: "s", points: values.enumerated().map { (Double($0), $1) }, style: .plain)]
                for (width, height) in [(0, 0), (1, 1), (8, 3), (40, 12)] {
                    var buffer = Buffer(width: width, height: height)
                    chart.render(into: &buffer, area: buffer.area, context: .full)
                    #expect(buffer.lines.count == height)
                }
            }
        }
    }

    @Test func aChartWithNoPointsSaysSo() {
        var buffer = Buffer(width: 20, height: 4)
        LineChart().render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].hasPrefix("no data yet"))
    }

    @Test func theAsciiChartUsesStars() {
        var buffer = Buffer(width: 20, height: 6)
        var chart = LineChart()
        chart.series = [.init(name: "up", points: [(0, 0), (1, 1)], style: .plain)]
        chart.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: false, color: false))
        #expect(buffer.lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(buffer.lines.joined().contains("*"))
    }

    @Test func aBarProfileSpansThirtyDecades() {
        let values = (0...30).map { pow(10, -Double(30 - $0)) }
        var buffer = Buffer(width: 38, height: 8)
        BarProfile(values: values, style: .plain).render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0].hasPrefix("    1"))
        #expect(buffer.lines[7].hasPrefix("1e-30"))
        // Each bar is at least as tall as the one before it: count filled cells per column.
        let heights = (6..<37).map { x in (0..<8).filter { buffer[x, $0].character != " " }.count }
        #expect(heights == heights.sorted())
        #expect(heights.first == 1 && heights.last == 8)
    }

    @Test func aBarProfileMarksZerosAndBlowUps() {
        var buffer = Buffer(width: 12, height: 4)
        BarProfile(values: [0, 1e-3, .nan, 1], style: .plain).render(into: &buffer, area: buffer.area, context: .full)
        let bars = buffer.lines.map { String($0.dropFirst(5)) }
        #expect(bars[3].hasPrefix("·"))
        #expect(bars[0].dropFirst(2).hasPrefix("!"))
        #expect(bars[0].contains("!█"), "the largest value, after the NaN, fills its column")
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
}

/// The percentile selection the outlier-robust scale uses.
@Suite struct SelectionTests {
    @Test func selectFindsTheKthSmallest() {
        var generator = SystemRandomNumberGenerator()
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
        var points = (0..<300).map { (x: Double($0), y: 1.0) }
        points[150].y = 1e300
        var chart = LineChart()
        chart.ignoresOutliers = true
        chart.series = [.init(name: "loss", points: points, style: .plain)]
        var buffer = Buffer(width: 40, height: 8)
        chart.render(into: &buffer, area: buffer.area, context: .full)
        let column = buffer.lines.map { Array($0.unicodeScalars) }
        let spikeColumns = (0..<40).filter { x in column[0][x] != " " && column[0][x].value >= 0x2800 }
        #expect(!spikeColumns.isEmpty, "the spike reaches the top row")
    }
}

import Testing

@testable import TerminalUI

/// Heatmaps: each cell's two half blocks carry the colours of their two rows, the
/// scale is symmetric for diverging maps and logarithmic on request, and bad values
/// are marked rather than breaking the picture.
@Suite struct HeatmapTests {
    let blackToWhite = ColorMap(sequential: [RGB(0, 0, 0), RGB(255, 255, 255)])
    let blueGreyRed = ColorMap(negative: RGB(0, 0, 255), zero: RGB(40, 40, 40), positive: RGB(255, 0, 0))

    func colors(_ buffer: Buffer, _ x: Int, _ y: Int) -> (upper: Color, lower: Color) {
        (buffer[x, y].style.foreground, buffer[x, y].style.background)
    }

    @Test func aKnownMatrixGivesKnownColours() {
        // 2 units x 2 steps: unit 0 is (0, 1), unit 1 is (1, 0).
        let heatmap = Heatmap(rows: 2, columns: 2, values: [0, 1, 1, 0], map: blackToWhite)
        var buffer = Buffer(width: 2, height: 1)
        heatmap.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines == ["▀▀"])
        let black = Color.rgb(RGB(0, 0, 0)), white = Color.rgb(RGB(255, 255, 255))
        #expect(colors(buffer, 0, 0) == (black, white))
        #expect(colors(buffer, 1, 0) == (white, black))
    }

    @Test func aDivergingMapPutsZeroInTheMiddle() {
        let heatmap = Heatmap(rows: 2, columns: 2, values: [-2, 0, 2, 1], map: blueGreyRed)
        var buffer = Buffer(width: 2, height: 1)
        heatmap.render(into: &buffer, area: buffer.area, context: .full)
        #expect(colors(buffer, 0, 0) == (.rgb(RGB(0, 0, 255)), .rgb(RGB(255, 0, 0))))
        #expect(colors(buffer, 1, 0).upper == .rgb(RGB(40, 40, 40)))
    }

    @Test func theLegendNamesTheEndsOfTheScale() {
        let heatmap = Heatmap(rows: 2, columns: 4, values: [-0.5, 0, 0.25, 0.5, 0, 0, 0, 0], map: blueGreyRed)
        var buffer = Buffer(width: 20, height: 3)
        heatmap.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[2].hasPrefix("-0.5 "))
        #expect(buffer.lines[2].trimmingCharacters(in: .whitespaces).hasSuffix("0.5"))
    }

    @Test func aLogScaleSeparatesDecades() {
        // Gradients from 1e-30 to 1: on a linear scale all but the last would be black.
        let values: [Float] = [1e-30, 1e-20, 1e-10, 1]
        var heatmap = Heatmap(rows: 1, columns: 4, values: values, map: blackToWhite)
        heatmap.logScale = true
        var buffer = Buffer(width: 16, height: 3)
        heatmap.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: false, color: true))
        let shades = (0..<4).map { x -> Double in
            guard case .rgb(let rgb) = buffer[x * 4, 0].style.background else { return -1 }
            return Double(rgb.r)
        }
        #expect(shades == shades.sorted() && Set(shades).count == 4)
        #expect(buffer.lines[2].hasPrefix("1e-30 "))
        #expect(buffer.lines[2].trimmingCharacters(in: .whitespaces).hasSuffix("1e0"))
    }

    @Test func withoutColourDensityCarriesTheValue() {
        let heatmap = Heatmap(rows: 1, columns: 3, values: [0, 0.5, 1], map: blackToWhite)
        var buffer = Buffer(width: 3, height: 2)
        heatmap.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: true, color: false))
        #expect(buffer.lines[0] == " +@")
    }

    /// A hidden state of −1 and one of +1 are as strong and opposite: without colour
    /// they differ in glyph, and the legend's ramp reads from one sign to the other.
    @Test func withoutColourADivergingMapShowsTheSign() {
        let heatmap = Heatmap(rows: 1, columns: 5, values: [-1, -0.5, 0, 0.1, 1], map: blueGreyRed)
        var buffer = Buffer(width: 5, height: 2)
        heatmap.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: true, color: false))
        #expect(buffer.lines[0] == "#= '@")
        var legend = Buffer(width: 30, height: 3)
        heatmap.render(into: &legend, area: legend.area, context: RenderContext(unicode: false, color: false))
        #expect(legend.lines[2].hasPrefix("-1 #") && legend.lines[2].contains("@ 1"), "\(legend.lines)")
    }

    @Test func badValuesAreMarkedAndTheRestStillScales() {
        let values: [Float] = [.nan, 1e38, -1e38, .leastNonzeroMagnitude, .infinity, 0]
        let heatmap = Heatmap(rows: 2, columns: 3, values: values, map: blueGreyRed)
        var buffer = Buffer(width: 4, height: 2)
        // Three steps stretched over all four columns: the first step takes two.
        heatmap.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0] == "!!!▀")
        var log = heatmap
        log.logScale = true
        log.render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[0] == "!!!▀")
    }

    @Test func aLargeMatrixIsAveragedIntoTheArea() {
        // 64 units x 200 steps into 20 x 4 cells: each cell averages a block.
        let values = (0..<(64 * 200)).map { Float($0 % 200) / 199 }
        let heatmap = Heatmap(rows: 64, columns: 200, values: values, map: blackToWhite)
        var buffer = Buffer(width: 20, height: 4)
        heatmap.render(into: &buffer, area: Rect(x: 0, y: 0, width: 20, height: 4), context: .full)
        let reds = (0..<20).map { x -> UInt8 in
            guard case .rgb(let rgb) = buffer[x, 0].style.foreground else { return 0 }
            return rgb.r
        }
        #expect(reds == reds.sorted() && reds.first! < 20 && reds.last! > 230)
    }

    @Test func tinyAreasAndEmptyMatricesDrawNothing() {
        var buffer = Buffer(width: 3, height: 1)
        Heatmap(rows: 2, columns: 2, values: [1, 2, 3], map: blackToWhite).render(into: &buffer, area: buffer.area, context: .full)
        Heatmap(rows: 0, columns: 0, values: [], map: blackToWhite).render(into: &buffer, area: buffer.area, context: .full)
        Heatmap(rows: 2, columns: 2, values: [1, 2, 3, 4], map: blackToWhite)
            .render(into: &buffer, area: Rect(x: 1, y: 0, width: 0, height: 1), context: .full)
        #expect(buffer.lines == ["   "])
        Heatmap(rows: 2, columns: 2, values: [1, 2, 3, 4], map: blackToWhite)
            .render(into: &buffer, area: Rect(x: 2, y: 0, width: 5, height: 5), context: .full)
        #expect(buffer.lines == ["  ▀"])
    }
}

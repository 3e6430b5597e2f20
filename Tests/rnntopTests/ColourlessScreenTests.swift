import TerminalUI
import Testing
import Training

@testable import rnntop

/// Without colour (NO_COLOR, the mono theme) every series still has a look of its
/// own: the raw band is a texture of single dot columns under the solid smoothed
/// line, validation is dotted.
@Suite struct ColourlessScreenTests {
    /// Whether a braille cell has dots in its right column.
    static func hasRightDots(_ cell: Unicode.Scalar) -> Bool { (cell.value - 0x2800) & 0xB8 != 0 }

    @Test func theRawBandIsATextureAndValidationDottedWithoutColour() throws {
        let snapshot = try DashboardScreenTests.snapshot(.adding, cell: .lstm, steps: 40)
        func band(color: Bool, named name: String = "raw") -> LineChart.Series? {
            LossPanel.Series(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, context: RenderContext(unicode: true, color: color))
                .chartSeries.first { $0.name == name }
        }
        #expect(band(color: true)?.dash == nil)
        #expect(band(color: false)?.dash == LineChart.Dash(on: 1, off: 1))
        #expect(band(color: false, named: "val")?.dash == LineChart.Dash(on: 1, off: 2), "validation dotted")
        #expect(band(color: false, named: "smoothed")?.dash == nil, "the smoothed line solid")
        // Drawn, a band of one dot column in two: no cell has dots in its right column.
        var chart = LineChart()
        chart.series = [try #require(band(color: false))]
        var buffer = Buffer(width: 20, height: 6)
        chart.render(into: &buffer, area: buffer.area, context: RenderContext(unicode: true, color: false))
        let cells = buffer.lines.joined().unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        #expect(cells.count > 10 && !cells.contains(where: Self.hasRightDots), "\(buffer.lines)")
    }
}

import Foundation
import RNNCore
import TerminalUI
import Testing

@testable import Training
@testable import rnntop

/// Validation on the dashboard and in the headless lines is what was measured: no
/// line across a skipped stretch or a new model, the legend's value says its step,
/// the baseline stays in the legend at every width, and every progress line says
/// the latest validation.
@Suite struct ValidationTruthTests {
    @Test func noLineIsDrawnAcrossASkippedStretchOrANewModel() {
        var history = MetricHistory()
        for step in [100, 200, 300, 830, 930, 1030, 1500, 1600] { history.append(step: step, value: Double(step) / 1000) }
        let samples = ChartData.validationSamples(history, breaks: [1200])
        let gaps = samples.filter(\.isGap).map(\.x0)
        #expect(gaps.count == 2, "\(gaps)")
        #expect(gaps.contains { $0 > 300 && $0 < 830 }, "the skipped stretch 300-830 is not bridged")
        #expect(gaps.contains { $0 > 1030 && $0 < 1500 }, "nor the new model at 1,200")
        // A stretched schedule (every 100, then every 200) is joined after its first long gap.
        var stretched = MetricHistory()
        for step in [100, 200, 300, 500, 700, 900] { stretched.append(step: step, value: 0.1) }
        #expect(ChartData.validationSamples(stretched, breaks: []).filter(\.isGap).count == 1)
    }

    @Test(arguments: [80, 90, 100, 120])
    func theBaselineAndTheValidationStepStayInTheLegend(width: Int) throws {
        let snapshot = try DashboardScreenTests.snapshot(.adding, cell: .lstm, steps: 40)
        let lines = DashboardScreenTests.render(snapshot, width: width, height: width < 100 ? 24 : 30)
        let legend = try #require(lines.prefix(4).first { $0.contains("┄ base") }, "\(lines.prefix(4))")
        #expect(legend.contains("@40"), "the validation says its step: \(legend)")
    }

    /// A long run's border legend at 100 columns (the one a PyTorch run followed over
    /// ssh shows): where not everything fits, the items close up, the raw band's key
    /// gives way, then a recent validation's step, before the validation does.
    @Test func theRawKeyGivesWayBeforeTheValidation() throws {
        let snapshot = try DashboardScreenTests.snapshot(.adding, cell: .lstm, steps: 40)
        let panel = LossPanel(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, focused: false)
        let style = Style.plain
        let items = [
            LossPanel.LegendItem(sample: "━", sampleStyle: style, text: "6.3e-5"),
            LossPanel.LegendItem(sample: "◆", sampleStyle: style, text: "val 0.175@12k"),
            LossPanel.LegendItem(sample: "┄", sampleStyle: style, text: "base 0.175", required: true),
            LossPanel.LegendItem(sample: "⣿", sampleStyle: style, text: "raw"),
        ]
        var buffer = Buffer(width: 48, height: 1)
        panel.drawLegend(items, into: &buffer, area: Rect(x: 0, y: 0, width: 40, height: 1), inBorder: true)
        let legend = buffer.lines[0]
        #expect(legend.contains("━ 6.3e-5 ◆ val 0.175@12k ┄ base 0.175"), "\(legend)")
        #expect(!legend.contains("raw"))
        // With room, the items keep their two spaces.
        var wide = Buffer(width: 60, height: 1)
        panel.drawLegend(items, into: &wide, area: Rect(x: 0, y: 0, width: 60, height: 1), inBorder: true)
        #expect(wide.lines[0].contains("━ 6.3e-5  ◆ val 0.175@12k  ┄ base 0.175  ⣿ raw"), "\(wide.lines[0])")
        // Narrower still, a recent validation gives up its step before it goes.
        var recent = items
        recent[1].compact = "val 0.175"
        var narrow = Buffer(width: 48, height: 1)
        panel.drawLegend(recent, into: &narrow, area: Rect(x: 0, y: 0, width: 36, height: 1), inBorder: true)
        #expect(narrow.lines[0].contains("━ 6.3e-5 ◆ val 0.175 ┄ base 0.175"), "\(narrow.lines[0])")
    }

    @Test func everyProgressLineSaysTheLatestValidationAndItsStep() {
        let lines = Locked([String]())
        let progress = ProgressLines { line in lines.withLock { $0.append(line) } }
        progress.expect(steps: 30, epochs: 3, stepsPerEpoch: 10)
        for step in 1...30 {
            let validated = step == 10 ? 0.25 : nil
            progress.observe(
                StepRecord(
                    step: step, epochs: Double(step) / 10, endsEpoch: step % 10 == 0, loss: 0.5, gradientNorm: 1, clipped: false,
                    learningRate: 0.01, batchSize: 4, validationLoss: validated, elapsed: Double(step), sequences: 4 * step))
        }
        let shown = lines.withLock { $0 }
        #expect(shown.count == 3, "\(shown)")
        #expect(shown[0].contains("val 0.2500  ") && !shown[0].contains("(step"), "\(shown[0])")
        #expect(shown[1].contains("val 0.2500 (step 10)") && shown[2].contains("val 0.2500 (step 10)"), "\(shown)")
    }
}

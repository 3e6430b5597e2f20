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

import Foundation
import TestSupport
import Testing

@testable import Training
@testable import rnntop

/// A classifier run headless says how often it is right, beside its loss: on the
/// progress lines, in the summary (against chance) and in a comparison's table.
@Suite struct HeadlessAccuracyTests {
    @Test func progressLinesCarryTheEpochsAccuracyAndTheValidations() {
        let lines = Locked<[String]>([])
        let progress = ProgressLines { line in lines.withLock { $0.append(line) } }
        progress.expect(steps: 4, epochs: 2, stepsPerEpoch: 2)
        // Epoch 1: batches of 10 and 30 right 0.2 and 0.6 of the time: 0.5 overall.
        for (step, size, accuracy) in [(1, 10, 0.2), (2, 30, 0.6), (3, 32, 0.75), (4, 32, 0.25)] {
            var record = StepRecord(
                step: step, epochs: Double(step) / 2, endsEpoch: step % 2 == 0, loss: 1, gradientNorm: 1, clipped: false,
                learningRate: 0.01, batchSize: size, validationLoss: step == 2 ? 0.9 : nil, elapsed: Double(step),
                sequences: step * 32)
            record.accuracy = accuracy
            record.validationAccuracy = step == 2 ? 0.4375 : nil
            progress.observe(record)
        }
        let shown = lines.withLock { $0 }
        #expect(shown.count == 2, "\(shown)")
        #expect(shown[0].hasPrefix("epoch 1/2  step 2/2  loss 1.0000  acc 0.500  val 0.9000  acc 0.438  "), "\(shown)")
        #expect(shown[1].hasPrefix("epoch 2/2  step 2/2  loss 1.0000  acc 0.500  val 0.9000  acc 0.438 (step 2)  "), "\(shown)")
    }

    @Test func aRegressionsLinesHaveNoAccuracy() throws {
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "100", "--headless"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(!outcome.standardError.contains("acc"))
    }

    @Test func aClassifiersSummarySetsItsAccuracyAgainstChance() throws {
        let outcome = try CommandRunner.run([
            "--task", "selective-copy", "--seq-len", "40", "--hidden", "16", "--steps", "40", "--batch", "8",
            "--seed", "3", "--headless",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.contains { $0.contains("  acc 0.") && $0.contains("  val ") }, "\(outcome.standardError)")
        let done = try #require(lines.last)
        #expect(done.contains("validation ") && done.contains(" (accuracy 0."), "\(done)")
        #expect(done.hasSuffix("baseline 2.0794 (accuracy 0.125)"), "\(done)")
    }

    @Test func aComparisonOfClassifiersTabulatesTheirValidationAccuracy() throws {
        let outcome = try CommandRunner.run([
            "--task", "selective-copy", "--seq-len", "40", "--hidden", "16", "--steps", "40", "--batch", "8",
            "--cell", "gru,mingru", "--seed", "3", "--headless",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("run ") }, "\(outcome.standardError)")
        #expect(header.contains("best val  val acc  "), "\(header)")
        // Columns are right-aligned and at least two spaces apart.
        let columns = { (line: String) in line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let column = try #require(columns(header).firstIndex(of: "val acc"))
        for run in ["gru", "mingru"] {
            let row = try #require(lines.first { $0.hasPrefix(run + " ") }, "\(outcome.standardError)")
            let accuracy = try #require(Double(columns(row)[column]), "\(row)")
            #expect((0...1).contains(accuracy), "\(row)")
        }
        #expect(lines.last?.hasSuffix("(a uniform guess among the 8 symbols, accuracy 0.125)") == true, "\(lines.last ?? "")")
    }
}

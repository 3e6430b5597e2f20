import Foundation
import TestSupport
import Testing

/// `--task selective-copy` as a user runs it, and the generated tasks at long
/// lengths: 10,000 steps train, a length the memory cannot hold is refused with the
/// figure before any data is drawn.
@Suite struct SelectiveCopyCommandTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-sc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// 1,000 steps of the default GRU at 64 steps: measured 0.49 of the symbols right
    /// on validation (chance 0.125) in about 3 s on two cores.
    @Test func aHeadlessRunLearnsToCopyTheSymbols() throws {
        let log = try Self.folder().appendingPathComponent("sc.jsonl").path
        let outcome = try CommandRunner.run(
            ["--task", "selective-copy", "--seq-len", "64", "--steps", "1000", "--headless", "--log", log])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let evals = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == "eval" }
        let last = try #require(evals.last)
        let accuracy = try #require(last["accuracy"] as? Double), first = try #require(evals.first?["accuracy"] as? Double)
        #expect(first < 0.2, "at chance after 100 steps: \(first)")
        #expect(accuracy > 0.3, "validation accuracy after 1,000 steps: \(accuracy), chance 0.125")
        #expect(outcome.standardError.contains("baseline 2.0794 (a uniform guess among the 8 symbols)"))
    }

    /// A min cell's gates see only the input: on selective copying it gets the
    /// paper's three layers and its own learning rate, unless the flags say otherwise.
    @Test func minCellsGetTheirOwnDepthAndTheFlagsStillWin() throws {
        let compared = try CommandRunner.run(["--task", "selective-copy", "--cell", "gru,mingru,minlstm", "--steps", "1", "--headless"])
        #expect(compared.status == 0, "\(compared.standardError)")
        let lines = compared.standardError.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("gru: GRU(64, tanh) -> Dense(8") && $0.contains("adam lr 0.01,") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("mingru: minGRU(64) x3 -> ") && $0.contains("adam lr 0.003,") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("minlstm: minLSTM(64) x3 -> ") && $0.contains("adam lr 0.003,") }, "\(lines)")

        let flagged = try CommandRunner.run(["--task", "selective-copy", "--cell", "mingru", "--layers", "1", "--lr", "0.02", "--steps", "1", "--headless"])
        #expect(flagged.status == 0, "\(flagged.standardError)")
        #expect(flagged.standardError.contains("minGRU(64) -> Dense(8, every step)") && flagged.standardError.contains("adam lr 0.02,"), "\(flagged.standardError)")

        let adding = try CommandRunner.run(["--task", "adding", "--cell", "mingru", "--steps", "1", "--headless"])
        #expect(!adding.standardError.contains(" x3 "), "other tasks set a min cell up as any other: \(adding.standardError)")
    }

    @Test func tenThousandStepsOfTheAddingProblemTrain() throws {
        let outcome = try CommandRunner.run(["--task", "adding", "--seq-len", "10000", "--steps", "2", "--headless"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("done: 2 steps"), "\(outcome.standardError)")
    }

    @Test func aLengthBeyondTheMemoryIsRefusedWithTheFigure() throws {
        let started = Date()
        let outcome = try CommandRunner.run(["--task", "adding", "--seq-len", "10000000", "--steps", "2", "--headless"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("seq-len: "), "\(outcome.standardError)")
        #expect(outcome.standardError.contains(" × 10000000 steps needs ") || outcome.standardError.contains("of 10000000 steps) needs "))
        #expect(outcome.standardError.contains(" GB of memory") || outcome.standardError.contains(" TB of memory"))
        #expect(Date().timeIntervalSince(started) < 5, "refused before the data is drawn")
    }
}

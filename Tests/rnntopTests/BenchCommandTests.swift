import Foundation
import TestSupport
import Testing

/// `rnntop bench` as scripts use it. Figures are not asserted (speed is measured by
/// the bench in a release build, not by tests); the contract of its output is.
@Suite struct BenchCommandTests {
    @Test func jsonOutputHasOneEntryPerGridPointAndTheSeedExample() throws {
        let outcome = try CommandRunner.run(["bench", "--quick", "--json", "--cells", "lstm,gru", "--hidden", "16", "--batch", "1,4"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as! [String: Any]
        let results = report["results"] as! [[String: Any]]
        #expect(results.count == 4)
        let points = results.map { "\($0["cell"]!)/\($0["hidden"]!)/\($0["batch"]!)" }
        #expect(points == ["lstm/16/1", "lstm/16/4", "gru/16/1", "gru/16/4"])
        for result in results {
            let rate = result["train_seq_per_s"] as! Double, milliseconds = result["train_ms_per_step"] as! Double
            let batch = Double(result["batch"] as! Int)
            #expect(rate > 0 && milliseconds > 0)
            #expect(abs(rate * milliseconds / 1000 - batch) < 1e-6 * batch, "seq/s = batch / step time")
        }
        #expect((report["seed_example_ms"] as! Double) > 0)
        let loss = report["seed_example_final_loss"] as! Double
        #expect(loss > 0.03 && loss < 0.2, "the seed example trains to Keras's range, got \(loss)")
        let machine = report["machine"] as! [String: Any]
        #expect(machine["cores"] as? Int != nil && machine["kernels"] as? String != nil)
    }

    @Test func aReferenceFileAddsRatios() throws {
        let folder = try Fixtures.temporaryFolder()
        let reference = folder.appendingPathComponent("ref.json")
        try Data(#"{"results": [{"cell": "RNN", "hidden": 8, "batch": 2, "train_seq_per_s": 1.0}]}"#.utf8).write(to: reference)
        let outcome = try CommandRunner.run(
            ["bench", "--quick", "--no-seed", "--cells", "rnn", "--hidden", "8", "--batch", "2", "--reference", reference.path])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("ratio"))
        #expect(outcome.standardOutput.contains("1.0 "), "the reference figure is printed beside ours")
    }

    @Test func compareSaysWhatShareOfTheThroughputRunsSideBySideKeep() throws {
        let outcome = try CommandRunner.run(["bench", "--compare", "--quick"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("throughput kept") })
        let rows = lines.filter { $0.hasSuffix("%") }
        #expect(rows.count == 2 && rows[0].hasPrefix("rnn, lstm, gru (H64, B32)"), "\(lines)")
        #expect(rows[0].split(separator: " ").dropLast().last.flatMap { Double($0) } ?? 0 > 0, "three rates: \(rows[0])")
    }

    @Test func theSessionAndLogOverheadsAreMeasured() throws {
        let outcome = try CommandRunner.run(["bench", "--session-overhead", "--quick"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.split(separator: "\n").filter { $0.hasSuffix("%") }.count == 4, "\(outcome.standardOutput)")
    }

    @Test func scalingPrintsTimeAndMemoryPerLengthAndSize() throws {
        let outcome = try CommandRunner.run(
            ["bench", "--scaling", "--quick", "--lengths", "8,24", "--truncation", "10", "--sizes", "16,32"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("windows of 10 steps") })
        let rows = lines.filter { $0.contains("│") }.map { $0.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(rows.map(\.first) == ["T", "8", "24", "H", "16", "32"])
        for row in rows where Int(row[0]) != nil {
            let numbers = row.dropFirst().flatMap { $0.split(separator: " ") }.map { Double($0) }
            #expect(numbers.allSatisfy { $0 != nil && $0! >= 0 }, "every figure is a number: \(row)")
            #expect((numbers.first.flatMap { $0 } ?? 0) > 0, "the time comes first: \(row)")
        }
    }

    @Test func badListsAreRefused() throws {
        let outcome = try CommandRunner.run(["bench", "--cells", "lstm,transformer"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--cells: cannot use 'transformer'"))
        let missing = try CommandRunner.run(["bench", "--quick", "--no-seed", "--reference", "/nope.json"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nope.json: no such file"))
    }

    /// A point larger than the machine's memory is refused with its figure before
    /// anything is allocated, in the grid and in a scaling point's own process.
    @Test func pointsTooLargeForMemoryAreRefused() throws {
        let grid = try CommandRunner.run(["bench", "--quick", "--no-seed", "--cells", "rnn", "--hidden", "32", "--batch", "100000000"])
        #expect(grid.status == 2 && grid.standardError.contains("batches of 100000000 × 50 steps needs 3.3 TB of memory"), "\(grid.standardError)")
        let scaling = try CommandRunner.run(["bench", "--quick", "--scaling", "--lengths", "100000000000", "--sizes", "256"])
        #expect(scaling.status == 2 && scaling.standardError.contains("× 100000000000 steps needs"), "\(scaling.standardError)")
    }
}

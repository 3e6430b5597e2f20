import Foundation
import RNNCore
import RNNData
import TestSupport
import Testing

@testable import Training

/// Settings and commands that the run cannot hold (more memory than there is, more
/// text streams than the text has room for) are refused, with the figure, before
/// anything is allocated; a refused command leaves the run going.
@Suite struct SessionLimitTests {
    static func options(limit: Double) -> SessionOptions {
        var options = SessionOptions(startPaused: true)
        options.memoryLimit = limit
        return options
    }

    @Test func settingsBeyondTheMemoryAreRefusedWithTheFigure() throws {
        let settings = Runs.sine { $0.training.hiddenSize = 4096 }
        do {
            _ = try Session(settings: settings, options: Self.options(limit: 100e6))
            Issue.record("a 4096-unit GRU fit in 100 MB")
        } catch let error as ConfigError {
            #expect(error.setting == "memory")
            #expect(error.problem.hasPrefix("GRU(4096) with batches of 8 × 12 steps needs "), "\(error)")
            #expect(error.problem.hasSuffix("more than the 100 MB there is"), "\(error)")
        }
        let long = Runs.sine { $0.task.sequenceLength = 10_000_000 }
        #expect(throws: ConfigError(setting: "seq-len", problem: "the sine task's validation data (101 sequences of 10000000 steps) needs 4.0 GB of memory, more than the 100 MB there is")) {
            _ = try Session(settings: long, options: Self.options(limit: 100e6))
        }
    }

    @Test func commandsBeyondTheMemoryAreRefusedAndTheRunGoesOn() throws {
        let session = try Session(settings: Runs.sine(steps: 1_000_000), options: Self.options(limit: 200e6))
        session.start()
        session.send(.changeModel(cell: nil, hiddenSize: 8192))
        session.send(.setBatchSize(10_000_000))
        Runs.steps(session, 2)
        let snapshot = session.snapshot
        let model = try #require(Runs.event(snapshot, "model")), batch = try #require(Runs.event(snapshot, "batch"))
        #expect(!model.applied && model.message.hasPrefix("refused: hidden: GRU(8192) with batches of 8 × 12 steps needs "))
        #expect(!batch.applied && batch.message.contains("refused: batch: GRU(8) with batches of 10000000 × 12 steps needs "))
        #expect(snapshot.step == 2 && snapshot.model.hiddenSize == 8 && snapshot.settings.training.batchSize == 8)
        session.send(.quit)
        _ = session.wait()
    }

    @Test func aTextHasRoomForSoManyStreams() throws {
        let text = try Fixtures.write(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 20), named: "fox.txt")
        var settings = Runs.sine()
        settings.task = TaskOptions(kind: .text, dataPath: text, sequenceLength: 9)
        settings.training.batchSize = 5000
        #expect(throws: ConfigError.self) { _ = try Session(settings: settings, options: SessionOptions()) }
        settings.training.batchSize = 4
        let session = try Runs.paused(settings)
        // 810 training characters: 81 streams of 10 (a window of 9 and the character after it).
        session.send(.setBatchSize(82))
        session.send(.setBatchSize(81))
        session.send(.setTruncation(500))
        Runs.steps(session, 2)
        let snapshot = session.snapshot
        let batches = snapshot.events.filter { $0.name == "batch" }
        #expect(batches.map(\.applied) == [false, true])
        #expect(batches[0].message == "refused: batch: at most 81 streams of 10 characters fit the text's 810 training characters (got 82)")
        let truncation = try #require(Runs.event(snapshot, "truncation"))
        #expect(!truncation.applied && truncation.message.contains("must be between 1 and 9, the length of a stream at batch 81 (got 500)"))
        #expect(snapshot.step == 2 && snapshot.settings.training.batchSize == 81)
        session.send(.quit)
        _ = session.wait()
    }

    /// A finished run extended by more steps than a run can have is refused, not an
    /// overflow; a sensible extension is applied.
    @Test func anExtensionBeyondAnyRunIsRefused() throws {
        let session = try Session(settings: Runs.sine(steps: 3), options: SessionOptions())
        session.start()
        Runs.wait(for: session) { $0.state == .done }
        session.send(.extend(steps: Int.max))
        session.send(.extend(steps: 2))
        Runs.wait(for: session) { $0.step == 5 && $0.state == .done }
        let extensions = session.snapshot.events.filter { $0.name == "extend" }
        #expect(extensions.map(\.applied) == [false, true])
        #expect(extensions.first?.message.contains("extend: must be between 1 and") == true, "\(extensions)")
        session.send(.quit)
        _ = session.wait()
    }
}


import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Every command, applied between steps, recorded with the step it took effect at,
/// and changing what the next step does.
@Suite struct SessionCommandTests {
    @Test func pauseResumeAndSingleSteps() throws {
        let session = try Runs.paused(Runs.sine(steps: 1_000_000))
        #expect(session.snapshot.state == .paused && session.snapshot.step == 0)
        Runs.steps(session, 3)
        usleep(20_000)
        #expect(session.snapshot.step == 3, "a paused run takes only the steps asked for")
        session.send(.resume)
        Runs.wait(for: session) { $0.step > 10 }
        session.send(.pause)
        let paused = Runs.wait(for: session) { $0.state == .paused }
        usleep(20_000)
        #expect(session.snapshot.step == paused.step, "no steps while paused")
        let events = session.snapshot.events.map(\.name)
        #expect(events.filter { $0 == "step" }.count == 3)
        #expect(events.contains("resume") && events.contains("pause"))
        session.send(.quit)
        #expect(session.wait().reason == .quit)
    }

    @Test func learningRateChangesTakeEffectAtTheNextStep() throws {
        let session = try Runs.paused(Runs.sine())
        Runs.steps(session, 2)
        session.send(.setLearningRate(0))
        Runs.steps(session, 1)
        let before = session.snapshot
        let event = try #require(Runs.event(before, "lr"))
        #expect(event.step == 2 && event.oldValue == "0.01" && event.newValue == "0")
        #expect(before.settings.training.optimizer.learningRate == 0)
        // With a zero learning rate the weights stand still: the loss of the same
        // batch, evaluated twice, would be equal; here we check the update is zero
        // through the validation loss, which cannot move.
        session.send(.setEvaluationInterval(1))
        Runs.steps(session, 2)
        let values = session.snapshot.validationLoss.recent.suffix(2).map(\.value)
        #expect(values.count == 2 && values[0] == values[1])
        session.send(.quit)
        _ = session.wait()
    }

    /// `echo "lr 0.005" > ctl` twice: the second changes nothing and logs nothing;
    /// nor does a batch, clipping or dropout set to what it is.
    @Test func aCommandThatChangesNothingLogsNothing() throws {
        let session = try Runs.paused(Runs.sine())
        let settings = session.snapshot.settings.training
        let before = session.snapshot.eventCount
        for command: Command in [
            .setLearningRate(0.005), .setLearningRate(0.005), .setBatchSize(settings.batchSize),
            .setClipping(threshold: settings.clipping.threshold, mode: settings.clipping.mode), .setDropout(settings.outputDropout), .step,
        ] { session.send(command) }
        let snapshot = Runs.wait(for: session) { $0.events.last?.name == "step" }
        #expect(snapshot.events.suffix(snapshot.eventCount - before).map(\.name) == ["lr", "step"])
        session.send(.quit)
        _ = session.wait()
    }

    @Test func clippingOptimizerBatchAndDropout() throws {
        let session = try Runs.paused(Runs.sine())
        session.send(.setClipping(threshold: 0.5, mode: .value))
        session.send(.switchOptimizer(.sgd))
        session.send(.setBatchSize(3))
        session.send(.setDropout(0.5))
        Runs.steps(session, 1)
        let snapshot = session.snapshot
        #expect(snapshot.settings.training.clipping == GradientClipping(mode: .value, threshold: 0.5))
        #expect(snapshot.settings.training.optimizer.kind == .sgd)
        #expect(snapshot.settings.training.optimizer.learningRate == 0.01, "the learning rate carries over")
        #expect(Runs.event(snapshot, "optimizer")?.message.contains("state reset") == true)
        #expect(snapshot.settings.training.batchSize == 3 && snapshot.model.outputDropout == 0.5)
        #expect(Runs.event(snapshot, "clip")?.newValue == "value 0.5")
        session.send(.setBatchSize(0))
        session.send(.setDropout(1.5))
        session.send(.setTruncation(5))
        Runs.steps(session, 1)
        let refused = session.snapshot.events.filter { !$0.applied }.map(\.name)
        #expect(refused == ["batch", "dropout", "truncation"], "nonsense is refused, and said so")
        session.send(.quit)
        _ = session.wait()
    }

    @Test func resetChangeModelAndRollBack() throws {
        let session = try Runs.paused(Runs.sine())
        Runs.steps(session, 5)
        session.send(.changeModel(cell: .lstm, hiddenSize: 12))
        Runs.steps(session, 2)
        var snapshot = session.snapshot
        #expect(snapshot.model.cell == .lstm && snapshot.model.hiddenSize == 12)
        #expect(snapshot.modelChanges == [Snapshot.ModelChange(step: 5, description: "LSTM(12)")])
        #expect(snapshot.loss.count == 7, "the history goes on across the change")
        session.send(.resetWeights(seed: 9))
        Runs.steps(session, 1)
        snapshot = session.snapshot
        #expect(Runs.event(snapshot, "reset")?.newValue == "9")
        #expect(snapshot.model.cell == .lstm)
        session.send(.rollBack)
        Runs.steps(session, 1)
        #expect(Runs.event(session.snapshot, "rollback")?.applied == true)
        session.send(.quit)
        _ = session.wait()
    }

    @Test func aDivergencePausesWithAnEventAndRollsBack() throws {
        let session = try Runs.paused(Runs.sine { $0.training.optimizer = OptimizerSettings(kind: .sgd, learningRate: 1e30) })
        session.send(.resume)
        let diverged = Runs.wait(for: session) { $0.state == .diverged }
        let event = try #require(Runs.event(diverged, "diverged"))
        #expect(event.message.contains("diverged at step \(diverged.step)"))
        #expect(diverged.canRollBack)
        usleep(20_000)
        #expect(session.snapshot.step == diverged.step, "a diverged run pauses")
        session.send(.rollBack)
        session.send(.setLearningRate(1e-3))
        session.send(.resume)
        Runs.wait(for: session) { $0.step >= diverged.step + 5 }
        let recovered = session.snapshot.loss.recent.suffix(3).map(\.value)
        #expect(recovered.allSatisfy { $0.isFinite }, "rolled back and slowed down, the run goes on: \(recovered)")
        session.send(.quit)
        _ = session.wait()
    }

    @Test func aBurstOfCommandsFromOtherThreadsIsAppliedInFull() throws {
        // Long enough not to finish (a "done" event) before the snapshot is read, and
        // validation on a fixed schedule (a stretched one says so in an event).
        let session = try Runs.paused(Runs.sine(steps: 1_000_000) { $0.evaluationInterval = 1_000_000 })
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for i in 0..<50 { session.send(.setLearningRate(Float(thread * 1000 + i) * 1e-6)) }
        }
        session.send(.resume)
        Runs.wait(for: session) { $0.eventCount >= 201 }
        let snapshot = session.snapshot
        let changes = snapshot.events.filter { $0.name == "lr" }
        #expect(snapshot.eventCount == 201)
        #expect(snapshot.events.count == 100, "the snapshot keeps the last 100 events")
        #expect(changes.count == 99 && snapshot.events.last?.name == "resume")
        #expect(changes.allSatisfy { $0.applied })
        // Each thread's commands keep their order.
        for thread in 0..<4 {
            let mine = changes.compactMap { Float($0.newValue!) }.filter { Int(($0 / 1e-6).rounded()) / 1000 == thread }
            #expect(mine == mine.sorted())
        }
        session.send(.quit)
        _ = session.wait()
    }

    @Test func truncationAppliesToTextStreams() throws {
        let path = try writeText()
        var settings = Runs.sine()
        settings.task = TaskOptions(kind: .text, dataPath: path, sequenceLength: 8)
        settings.training.dropout = 0
        settings.training.outputDropout = 0
        let session = try Runs.paused(settings)
        Runs.steps(session, 2)
        session.send(.setTruncation(4))
        Runs.steps(session, 1)
        let snapshot = session.snapshot
        #expect(Runs.event(snapshot, "truncation")?.oldValue == "8")
        #expect(snapshot.hiddenGradientProfile.first?.count == 4, "the next step ran windows of 4")
        session.send(.quit)
        _ = session.wait()
    }

    @Test func snapshotsArriveWhileTrainingAndCarryTheProbe() throws {
        let session = try Session(settings: Runs.sine(steps: 100_000))
        session.start()
        let first = Runs.wait(for: session) { $0.step > 0 && $0.probe != nil }
        let later = Runs.wait(for: session) { $0.step > first.step + 50 }
        #expect(later.loss.count == later.step)
        #expect(later.hiddenGradientProfile.count == 1 && later.hiddenGradientProfile[0].count == 12)
        #expect(later.parameterGradientNorms.count == later.parameterNames.count)
        #expect(later.sequencesPerSecond > 0)
        #expect(later.probe?.gates.first?.map(\.name) == ["r", "z", "n"])
        // Reading the latest snapshot never waits for a step.
        let clock = ContinuousClock()
        let reading = clock.measure { for _ in 0..<1000 { _ = session.snapshot } }
        #expect(reading < .milliseconds(500))
        session.send(.quit)
        _ = session.wait()
    }

    @Test func aCheckpointOnCommandCanBeResumed() throws {
        let session = try Runs.paused(Runs.sine())
        Runs.steps(session, 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-\(UUID().uuidString).ckpt").path
        session.send(.saveCheckpoint(path: path))
        session.send(.saveCheckpoint(path: nil))
        Runs.steps(session, 1)
        let events = session.snapshot.events
        #expect(events.contains { $0.name == "checkpoint" && $0.applied && $0.step == 4 && $0.newValue == path })
        #expect(events.contains { $0.name == "checkpoint" && !$0.applied && $0.message.contains("no checkpoint path") })
        session.send(.quit)
        _ = session.wait()
        let resumed = try Session(resuming: try Checkpoint.read(path), options: SessionOptions(startPaused: true))
        #expect(resumed.snapshot.step == 4 && resumed.snapshot.loss.count == 4)
    }

    @Test func aHeadlessRunEndsWhenDone() throws {
        let session = try Session(settings: Runs.sine(steps: 30), options: SessionOptions(stopWhenDone: true))
        session.start()
        let end = session.wait()
        #expect(end.reason == .done && end.snapshot.step == 30 && end.snapshot.state == .done)
        #expect(!end.snapshot.validationLoss.recent.isEmpty)
    }

    private func writeText() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-session-\(UUID().uuidString).txt")
        let text = String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

extension SessionCommandTests {
    /// The profile's axis spans the model's last few profiles, so the bars keep one
    /// scale from frame to frame; a new model starts its own window.
    @Test func theProfileWindowHoldsTheLastProfilesAndStartsAgainWithANewModel() throws {
        let session = try Runs.paused(Runs.sine())
        for taken in 1...3 {
            Runs.steps(session, 3)
            let snapshot = session.snapshot
            let range = try #require(snapshot.hiddenGradientWindow.range)
            #expect(snapshot.hiddenGradientProfile.joined().filter { $0 > 0 }.allSatisfy { range.contains($0) })
            #expect(snapshot.hiddenGradientWindow.count == 3 * taken)
        }
        session.send(.changeModel(cell: .lstm, hiddenSize: nil))
        Runs.steps(session, 1)
        let fresh = session.snapshot
        let values = fresh.hiddenGradientProfile.joined().filter { $0 > 0 }
        #expect(fresh.hiddenGradientWindow.count == 1)
        #expect(fresh.hiddenGradientWindow.range == values.min()!...values.max()!)
        session.send(.quit)
    }

    /// A finished run goes on when asked: for as long again as it was set to run.
    @Test func extendGivesAFinishedRunItsLengthAgain() throws {
        var options = SessionOptions()
        options.publishInterval = 0
        let session = try Session(settings: Runs.sine(steps: 20), options: options)
        session.start()
        Runs.wait(for: session) { $0.state == .done }
        session.send(.extend(steps: nil))
        let extended = Runs.wait(for: session) { $0.state == .done && $0.step == 40 }
        #expect(extended.totalSteps == 40)
        #expect(Runs.event(extended, "extend")?.newValue == "40")
        session.send(.quit)
    }

    /// A new model, or new weights, gets the run's whole length from its step: one
    /// made at step 15 of a 20-step run trains to 35, and one made after the run
    /// finished trains again.
    @Test func aNewModelOrNewWeightsGetTheRunsWholeLength() throws {
        let session = try Runs.paused(Runs.sine(steps: 20))
        Runs.steps(session, 15)
        session.send(.changeModel(cell: .lstm, hiddenSize: nil))
        session.send(.resume)
        let longer = Runs.wait(for: session) { $0.state == .done }
        #expect(longer.step == 35 && longer.totalSteps == 35, "\(longer.step)")
        #expect(Runs.event(longer, "extend")?.message.contains("a new model gets the run's whole length") == true)
        session.send(.resetWeights(seed: 3))
        let again = Runs.wait(for: session) { $0.state == .done && $0.step == longer.step + 20 }
        #expect(again.totalSteps == longer.step + 20)
        session.send(.quit)
    }
}

import Training

/// Watches a chapter's runs and judges its checks: the per-step quantities from every
/// training step (so "within 10 steps" is exact however fast the steps come), the
/// others from the runs' pictures as they are taken. A verdict, once given, stays;
/// the value now is kept beside it, so that a learner who changes the run sees
/// whether the figure still holds. Fed from the sessions' queues and the main
/// thread at once: its state is behind a lock.
final class LessonJudge: Sendable {
    enum Verdict: Equatable, Sendable {
        case waiting
        case reproduced(value: Double, step: Int)
        case notReproduced(value: Double?, step: Int)
    }

    /// A check's verdict and its quantity's latest value (relative, as judged).
    struct Status: Equatable, Sendable {
        let check: LessonCheck
        let verdict: Verdict
        let now: Double?
    }

    let lesson: Lesson
    private let state: Locked<State>

    private struct State {
        var verdicts: [Verdict]
        var now: [Double?]
        /// Per run, each quantity's latest value and the step it is from.
        var latest: [[LessonQuantity: (value: Double, step: Int)]]
        /// Per run, the last steps' training losses and accuracies.
        var losses: [[Double]]
        var accuracies: [[Double]]
        /// Per run: the task's baseline loss, which checks `relative-to = "baseline"`
        /// divide by (known once the run's first picture is seen).
        var baselines: [Double?]
    }

    /// A judge of `lesson`'s checks on `runs` runs (in the flags' order).
    init(lesson: Lesson, runs: Int) {
        self.lesson = lesson
        let count = lesson.checks.count
        state = Locked(State(
            verdicts: Array(repeating: .waiting, count: count), now: Array(repeating: nil, count: count),
            latest: Array(repeating: [:], count: runs), losses: Array(repeating: [], count: runs),
            accuracies: Array(repeating: [], count: runs), baselines: Array(repeating: nil, count: runs)))
    }

    var statuses: [Status] {
        state.withLock { state in lesson.checks.indices.map { Status(check: lesson.checks[$0], verdict: state.verdicts[$0], now: state.now[$0]) } }
    }

    /// Whether every check has its verdict.
    var isDecided: Bool { state.withLock { $0.verdicts.allSatisfy { $0 != .waiting } } }

    /// Whether every check reproduced its figure.
    var allReproduced: Bool {
        state.withLock { $0.verdicts.allSatisfy { if case .reproduced = $0 { true } else { false } } }
    }

    /// A training step of run `run` (on its session's queue).
    func observe(_ record: StepRecord, run: Int) {
        state.withLock { state in
            guard run < state.latest.count else { return }
            Self.push(record.loss, into: &state.losses[run])
            var values: [LessonQuantity: Double] = [.loss: Self.mean(state.losses[run]), .gradientNorm: record.gradientNorm]
            if let validation = record.validationLoss { values[.validationLoss] = validation }
            if let accuracy = record.accuracy {
                Self.push(accuracy, into: &state.accuracies[run])
                values[.accuracy] = Self.mean(state.accuracies[run])
            }
            if let accuracy = record.validationAccuracy { values[.validationAccuracy] = accuracy }
            if let ends = record.profileEnds, let profile = LessonQuantity.profile(ends) {
                values[.profileRatio] = profile.ratio
                values[.profileStepFactor] = profile.factor
            }
            for (quantity, value) in values { judge(quantity, value, step: record.step, run: run, &state) }
        }
    }

    /// A picture of run `run`: the quantities that are not per step.
    func observe(_ snapshot: Snapshot, run: Int) {
        state.withLock { state in
            guard run < state.latest.count else { return }
            if state.baselines[run] == nil { state.baselines[run] = snapshot.baseline.loss }
            for quantity in LessonQuantity.allCases where !quantity.isPerStep {
                guard let value = quantity.value(in: snapshot) else { continue }
                judge(quantity, value, step: snapshot.step, run: run, &state)
            }
        }
    }

    /// The task's baseline loss for run `run`, which a run's first picture gives.
    func know(baseline: Double, run: Int) {
        state.withLock { state in
            if run < state.baselines.count { state.baselines[run] = baseline }
        }
    }

    /// Run `run` has ended (headless: done, diverged or quit): what it did not
    /// reproduce by now it will not.
    func finish(run: Int, step: Int) {
        state.withLock { state in
            for (index, check) in lesson.checks.enumerated() where check.run == run && state.verdicts[index] == .waiting {
                state.verdicts[index] = .notReproduced(value: state.now[index], step: step)
            }
        }
    }

    /// A quantity's new value: the checks on it judged, where they still wait.
    private func judge(_ quantity: LessonQuantity, _ value: Double, step: Int, run: Int, _ state: inout State) {
        state.latest[run][quantity] = (value, step)
        for (index, check) in lesson.checks.enumerated() where check.quantity == quantity {
            // A check relative to another run is judged when either of the two moves.
            guard check.run == run || check.relativeTo == .run(run) else { continue }
            guard let own = state.latest[check.run][quantity], let relative = relative(own.value, check, state) else { continue }
            state.now[index] = relative
            guard state.verdicts[index] == .waiting else { continue }
            let holds = check.condition.holds(relative)
            switch check.timing {
            case .within(let last):
                if own.step <= last && holds {
                    state.verdicts[index] = .reproduced(value: relative, step: own.step)
                } else if own.step > last {
                    state.verdicts[index] = .notReproduced(value: relative, step: own.step)
                }
            case .at(let moment):
                if own.step >= moment {
                    state.verdicts[index] = holds ? .reproduced(value: relative, step: own.step) : .notReproduced(value: relative, step: own.step)
                }
            }
        }
    }

    /// The value as the check compares it: divided by the baseline or by the other
    /// run's latest (nil while that run has none).
    private func relative(_ value: Double, _ check: LessonCheck, _ state: State) -> Double? {
        switch check.relativeTo {
        case .none: value
        case .baseline: state.baselines[check.run].flatMap { $0 > 0 ? value / $0 : nil }
        case .run(let other): state.latest[other][check.quantity].flatMap { $0.value != 0 ? value / $0.value : nil }
        }
    }

    private static func push(_ value: Double, into window: inout [Double]) {
        window.append(value)
        if window.count > LessonQuantity.window { window.removeFirst(window.count - LessonQuantity.window) }
    }

    private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
}

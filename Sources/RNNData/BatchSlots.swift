import RNNCore

/// The layout of a batch: what a task fills in place step after step.
struct BatchShape: Equatable {
    enum Targets: Equatable {
        /// `width` values per row: one row per sequence, or per step and sequence.
        case values(width: Int, everyStep: Bool)
        /// One class per sequence, or per step and sequence.
        case classes(everyStep: Bool)
    }

    var steps: Int
    var size: Int
    var inputSize: Int
    var targets: Targets

    func matches(_ batch: SequenceBatch) -> Bool {
        guard batch.steps == steps && batch.size == size && batch.inputSize == inputSize else { return false }
        switch (targets, batch.targets) {
        case (.values(let width, let everyStep), .values(let values)):
            return values.count == (everyStep ? steps : 1) * size * width
        case (.classes(let everyStep), .classes(let classes)):
            return classes.count == (everyStep ? steps : 1) * size
        default:
            return false
        }
    }

    func makeBatch() -> SequenceBatch {
        switch targets {
        case .values(let width, let everyStep):
            SequenceBatch(steps: steps, size: size, inputSize: inputSize, valueTargets: width, everyStep: everyStep)
        case .classes(let everyStep):
            SequenceBatch(steps: steps, size: size, inputSize: inputSize, classTargetsEveryStep: everyStep)
        }
    }
}

/// Two batches a task fills in turn: an epoch's full batches and its shorter last
/// one alternate without reallocating either.
struct BatchSlots {
    private(set) var current = SequenceBatch(steps: 0, size: 0, inputSize: 0, targets: .values([]))
    private var spare = SequenceBatch(steps: 0, size: 0, inputSize: 0, targets: .values([]))

    /// Makes `current` a batch of `shape`: as it is, the spare one, or new.
    mutating func prepare(_ shape: BatchShape) {
        if shape.matches(current) { return }
        swap(&current, &spare)
        if !shape.matches(current) { current = shape.makeBatch() }
    }

    /// Writes into the current batch.
    mutating func fill<R>(_ body: (inout SequenceBatch) -> R) -> R {
        body(&current)
    }
}

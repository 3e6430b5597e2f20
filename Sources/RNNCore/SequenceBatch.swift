/// A batch of sequences, time-major as PyTorch's default: `inputs[t][b][i]`.
///
/// ```swift
/// var batch = SequenceBatch(steps: 50, size: 32, inputSize: 2, targets: .values(y))
/// batch.inputs[(t * 32 + b) * 2 + 1] = 1   // mark step t of sequence b
/// ```
public struct SequenceBatch: Sendable {
    /// Time steps T.
    public var steps: Int
    /// Sequences B.
    public var size: Int
    public var inputSize: Int
    /// `[steps][size][inputSize]`, row-major.
    public var inputs: [Float]
    public var targets: Targets

    public init(steps: Int, size: Int, inputSize: Int, inputs: [Float]? = nil, targets: Targets) {
        self.steps = steps
        self.size = size
        self.inputSize = inputSize
        self.inputs = inputs ?? [Float](repeating: 0, count: steps * size * inputSize)
        self.targets = targets
    }
}

/// What the loss compares the model's output with.
public enum Targets: Sendable {
    /// Regression targets: `[B][O]` for a last-step head, `[T][B][O]` for an
    /// every-step head. For a model without a head, the weights of the loss
    /// sum(output * weights), `[T][B][H]`.
    case values([Float])
    /// Class indices in 0..<O: `[B]` for a last-step head, `[T][B]` for an every-step
    /// head; `Targets.ignored` at a position the loss does not score.
    case classes([Int32])

    /// The class of a position that is not scored: it adds nothing to the loss, its
    /// gradient or the accuracy, and the loss is the mean over the scored positions
    /// (PyTorch's `ignore_index`, with its default value).
    public static let ignored: Int32 = -100
}

/// The final states of a batch's sequences, to continue them later.
public struct CarriedState: Sendable, Equatable, Codable {
    public let batch: Int
    /// `[layers][batch][hidden]`.
    public let hidden: [Float]
    /// `[layers][batch][hidden]` for LSTM, empty otherwise.
    public let cell: [Float]

    public init(batch: Int, hidden: [Float], cell: [Float]) {
        self.batch = batch
        self.hidden = hidden
        self.cell = cell
    }
}

/// The state the recurrent layers start a pass from.
public enum InitialState: Sendable {
    /// Zeros, as for independent sequences.
    case zeros
    /// Where the previous pass on a batch of the same size ended (truncated BPTT over
    /// a long stream); zeros when there is no such pass.
    case carried
    /// Given explicitly: h0 and, for LSTM, c0, each `[layers][B][H]`.
    case given(hidden: [Float], cell: [Float]?)
}

extension SequenceBatch {
    /// An all-zero batch shaped for `steps` x `size`, with value targets of `width`
    /// per row or class targets, ready to be filled in place.
    public init(steps: Int, size: Int, inputSize: Int, valueTargets width: Int, everyStep: Bool) {
        self.init(
            steps: steps, size: size, inputSize: inputSize,
            targets: .values([Float](repeating: 0, count: (everyStep ? steps : 1) * size * width)))
    }

    public init(steps: Int, size: Int, inputSize: Int, classTargetsEveryStep everyStep: Bool) {
        self.init(
            steps: steps, size: size, inputSize: inputSize,
            targets: .classes([Int32](repeating: 0, count: (everyStep ? steps : 1) * size)))
    }

    /// Edits the inputs and value targets in place. The batch lets go of its
    /// references while `body` runs, so neither array is copied (no allocation).
    public mutating func edit<R>(_ body: (_ inputs: inout [Float], _ targets: inout [Float]) -> R) -> R {
        guard case .values(var values) = targets else { preconditionFailure("the batch has class targets") }
        var inputs = self.inputs
        targets = .values([])
        self.inputs = []
        defer {
            self.inputs = inputs
            targets = .values(values)
        }
        return body(&inputs, &values)
    }

    /// Edits the inputs and class targets in place, without copying them.
    public mutating func edit<R>(_ body: (_ inputs: inout [Float], _ targets: inout [Int32]) -> R) -> R {
        guard case .classes(var classes) = targets else { preconditionFailure("the batch has value targets") }
        var inputs = self.inputs
        targets = .classes([])
        self.inputs = []
        defer {
            self.inputs = inputs
            targets = .classes(classes)
        }
        return body(&inputs, &classes)
    }
}

/// Extra tensors a pass can copy out, for comparison with reference values.
public struct PassRecording: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The top layer's outputs and the final states.
    public static let outputs = PassRecording(rawValue: 1)
    /// dL/dh_t of every layer, `[T][B][H]`.
    public static let hiddenGradients = PassRecording(rawValue: 2)
    /// dL/dx, dL/dh0 and dL/dc0.
    public static let inputGradients = PassRecording(rawValue: 4)
    /// The head's output (predictions or logits).
    public static let predictions = PassRecording(rawValue: 8)
}

/// What a pass returns.
public struct PassResult: Sendable {
    /// The loss: the batch mean (or the weighted sum for a model without a head).
    public let loss: Double
    /// Cross-entropy only: the positions whose largest logit is the target's class,
    /// and the positions scored (those whose target is not `Targets.ignored`).
    public let correct: Int
    public let scored: Int
    /// The tensors asked for with `record`.
    public let recorded: RecordedTensors?

    /// The fraction of scored positions predicted right; nil when the loss scores no
    /// classes (MSE), so a regression never shows an accuracy.
    public var accuracy: Double? { scored > 0 ? Double(correct) / Double(scored) : nil }
}

/// Tensors copied out of a pass, in PyTorch's layouts.
public struct RecordedTensors: Sendable {
    /// Top layer outputs `[T][B][H]`.
    public var output: [Float] = []
    /// Final states `[L][B][H]`.
    public var finalHidden: [Float] = []
    public var finalCell: [Float] = []
    /// dL/dh_t per layer, each `[T][B][H]`.
    public var hiddenGradients: [[Float]] = []
    /// dL/dx `[T][B][I]`.
    public var inputGradient: [Float] = []
    /// dL/dh0 and dL/dc0, `[L][B][H]`.
    public var initialHiddenGradient: [Float] = []
    public var initialCellGradient: [Float] = []
    /// Head outputs: `[B][O]` or `[T][B][O]`.
    public var predictions: [Float] = []
}

/// A copy of a model's weights and its optimizer's state, taken before each update,
/// so that a run that diverges can go back to the last weights that gave a finite
/// loss. The buffers are sized once: taking a copy does not allocate.
public final class WeightsBackup {
    private let parameters: FloatBuffer
    private var optimizerState: [FloatBuffer]
    private var optimizerSteps = 0
    /// Whether a copy has been taken since the buffers were made.
    public private(set) var isEmpty = true

    public init(parameterCount: Int) {
        parameters = FloatBuffer(count: parameterCount)
        optimizerState = []
    }

    /// Takes a copy of the weights and the optimizer's state. Cost: a few copies of
    /// the parameter vector.
    public func capture(_ network: RecurrentNetwork, _ optimizer: Optimizer) {
        precondition(network.parameterCount == parameters.count)
        if optimizerState.count != optimizer.state.count {
            optimizerState = optimizer.state.map { FloatBuffer(count: $0.buffer.count) }
        }
        parameters.pointer.update(from: network.storage.parameters.pointer, count: parameters.count)
        for (copy, source) in zip(optimizerState, optimizer.state) {
            copy.pointer.update(from: source.buffer.pointer, count: copy.count)
        }
        optimizerSteps = optimizer.stepCount
        isEmpty = false
    }

    /// The copy as values, for a checkpoint of a run that diverged (so that it can
    /// still be rolled back once resumed); nil before a copy is taken.
    public var saved: (parameters: [Float], optimizerState: [[Float]], optimizerSteps: Int)? {
        guard !isEmpty else { return nil }
        return (Array(parameters.buffer), optimizerState.map { Array($0.buffer) }, optimizerSteps)
    }

    /// Takes the copy `saved` described, for `optimizer`'s kind of state.
    public func load(parameters values: [Float], optimizerState: [[Float]], optimizerSteps: Int, for optimizer: Optimizer) throws(ConfigError) {
        guard values.count == parameters.count, optimizerState.count == optimizer.state.count,
            optimizerState.allSatisfy({ $0.count == parameters.count })
        else {
            throw ConfigError(setting: "rollback copy", problem: "does not fit the model and its optimizer")
        }
        parameters.pointer.update(from: values, count: values.count)
        self.optimizerState = optimizerState.map { state in
            let buffer = FloatBuffer(count: state.count)
            buffer.pointer.update(from: state, count: state.count)
            return buffer
        }
        self.optimizerSteps = optimizerSteps
        isEmpty = false
    }

    /// Puts the copy back into `network` and `optimizer` (the same shapes and kind).
    public func restore(into network: RecurrentNetwork, _ optimizer: Optimizer) {
        precondition(!isEmpty && optimizerState.count == optimizer.state.count)
        network.withParameters { $0.baseAddress!.update(from: parameters.pointer, count: parameters.count) }
        for (copy, target) in zip(optimizerState, optimizer.state) {
            target.buffer.pointer.update(from: copy.pointer, count: copy.count)
        }
        optimizer.rewind(to: optimizerSteps)
    }
}

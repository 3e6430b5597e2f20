import Foundation

/// What training a model takes in memory, worked out from its settings before any
/// of it is allocated, so that a model or batch too large for the machine is refused
/// with a figure instead of ending the program when an allocation fails.
///
/// ```swift
/// let need = MemoryFootprint(config: config, optimizerStates: 2, batch: 32, steps: 50, evaluation: (1000, 50))
/// if need.total > limit { ... }   // need.total in bytes
/// ```
///
/// The counts follow the buffers the engine keeps: the parameters, their gradients
/// (one vector per shard, and the probe's), the optimizer's state and the copy kept
/// for rolling back, the packed recurrent matrices; per layer and per time step of
/// the largest pass (training or validation), the activations and gradients BPTT
/// keeps; the head; the dropout masks; the training batch, twice (a full and a last
/// batch of an epoch). Computed in floating point: a size that would overflow an
/// integer is simply a very large figure.
/// - Complexity: O(1).
public struct MemoryFootprint: Sendable, Equatable {
    /// Bytes for the parameters and everything sized like them.
    public let parameters: Double
    /// Bytes for what a pass keeps per sequence and time step, and the batch.
    public let activations: Double

    public var total: Double { parameters + activations }

    /// - Parameters:
    ///   - config: a model that passed `validate()`.
    ///   - optimizerStates: buffers the optimizer keeps per parameter (Adam: 2).
    ///   - batch, steps: the training batch's sequences and time steps.
    ///   - evaluation: the largest validation batch, which runs through the same
    ///     buffers (they grow to the larger of the two).
    ///   - shards: threads a batch is split over (the network's parallelism).
    public init(
        config: ModelConfig, optimizerStates: Int, batch: Int, steps: Int, evaluation: (sequences: Int, steps: Int),
        shards: Int = RecurrentNetwork.defaultParallelism
    ) {
        let float = Double(MemoryLayout<Float>.size)
        let count = Double(ParameterLayout(config: config).totalCount)
        let h = Double(config.hiddenSize), g = Double(config.cell.gateCount), layers = Double(config.layers)
        let k = Double(optimizerStates)
        // Weights, network gradients, the other shards' and the probe's gradients, the
        // optimizer's state, the rollback copy of weights and state.
        var parameters = count * (1 + 1 + Double(max(shards - 1, 0)) + 1 + k + (1 + k))
        if !config.cell.isLinearRecurrence {
            parameters += 2 * layers * g * h * (h + 16)  // packed W_hh, both ways, padded to panels
        }

        let b = Double(batch), t = Double(steps)
        let rowSteps = max(b * t, Double(evaluation.sequences) * Double(evaluation.steps))
        let rows = max(b, Double(evaluation.sequences))
        var perRowStep = 0.0, perRow = 0.0
        for l in 0..<config.layers {
            let width = l == 0 ? Double(config.inputSize) : h
            // Layer input, gates and their gradients, h and dL/dh (T + 1 slots). (A min
            // cell's layer keeps only a time block's gate gradients, and on a long
            // sequence its decays, unless two threads share one sequence: for it this
            // is the most it can need.)
            perRowStep += width + 2 * g * h + 2 * h
            perRow += 2 * h
            switch config.cell {
            case .lstm:
                perRowStep += h
                perRow += 2 * h
            case .gru:
                perRowStep += h + g * h
                perRow += g * h
            case .minGRU, .minLSTM:
                perRowStep += h + 2 * h / Double(RecurrenceForm.chunkLength)  // decays, the scan's chunk states
            case .rnn:
                break
            }
        }
        perRowStep += (layers - 1) * h  // dropout masks between layers
        let o = Double(config.outputSize)
        let head = (config.head == .everyStep ? rowSteps : rows) * (2 * h + 2 * o)
        let finalStates = 4 * layers * rows * h
        let trainingBatch = 2 * b * t * (Double(config.inputSize) + o)
        self.parameters = parameters * float
        activations = (rowSteps * perRowStep + rows * perRow + head + finalStates + trainingBatch) * float
    }

    /// `bytes` for people: "812 MB", "1.3 GB", "620 GB".
    public static func describe(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) bytes" }
        return (value < 10 ? String(format: "%.1f", value) : String(format: "%.0f", value)) + " " + units[unit]
    }
}

extension RecurrentNetwork {
    /// The threads a network splits a batch over unless told otherwise: the
    /// machine's cores, at most 8.
    public static var defaultParallelism: Int { min(ProcessInfo.processInfo.activeProcessorCount, 8) }
}

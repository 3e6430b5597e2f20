import CKernels

/// One training step's figures: what the dashboard plots and the log records.
public struct StepSummary: Sendable, Equatable {
    public var loss: Double
    /// Cross-entropy: the fraction of the batch's scored positions predicted right;
    /// nil for a regression.
    public var accuracy: Double?
    /// Global L2 norm of all gradients, before clipping.
    public var gradientNorm: Double
    public var clipped: Bool
    /// False when the loss or a gradient was NaN or infinite; the update was then
    /// skipped, so the weights are still the last good ones.
    public var finite: Bool
}

/// Trains a network: forward, backpropagation through time, clipping, update, with
/// the instrumentation of every step kept for whoever watches.
///
/// ```swift
/// let trainer = Trainer(network: net, optimizer: try Optimizer(.init(kind: .adam), parameterCount: net.parameterCount),
///                       clipping: .off, generator: rng)
/// let summary = trainer.step(batch)
/// ```
public final class Trainer {
    public let network: RecurrentNetwork
    public var optimizer: Optimizer
    public var clipping: GradientClipping
    /// Draws the dropout masks; part of the run's reproducible state.
    public var generator: RandomGenerator
    /// Norm of each parameter tensor's gradient in the last step, layout order.
    public private(set) var parameterGradientNorms: [Double]
    /// When set, takes a copy of the weights and optimizer state before each update,
    /// for rolling back after a divergence.
    public var backup: WeightsBackup?

    public init(network: RecurrentNetwork, optimizer: Optimizer, clipping: GradientClipping, generator: RandomGenerator) {
        self.network = network
        self.optimizer = optimizer
        self.clipping = clipping
        self.generator = generator
        parameterGradientNorms = Array(repeating: 0, count: network.layout.specs.count)
    }

    /// One update on `batch`. Cost: the network's gradient pass plus two passes over
    /// the gradients (norms, clipping) and the optimizer's.
    @discardableResult
    public func step(_ batch: SequenceBatch, initialState: InitialState = .zeros) -> StepSummary {
        let pass = network.computeGradients(batch, training: true, initialState: initialState, generator: &generator)
        let loss = pass.loss
        let specs = network.layout.specs
        var total = 0.0
        network.withGradients { gradients in
            if !network.config.trainsRecurrentBias {  // Keras's one bias: bias_hh stays
                let size = network.config.cell.gateCount * network.config.hiddenSize
                for layer in network.layout.layers { gradients[layer.biasHH..<(layer.biasHH + size)].update(repeating: 0) }
            }
            for (index, spec) in specs.enumerated() {
                let squares = GradientClipping.squaredNorm(of: UnsafeBufferPointer(rebasing: gradients[spec.range]))
                parameterGradientNorms[index] = squares.squareRoot()
                total += squares
            }
        }
        let norm = total.squareRoot()
        guard loss.isFinite && norm.isFinite else {
            return StepSummary(loss: loss, accuracy: pass.accuracy, gradientNorm: norm, clipped: false, finite: false)
        }
        let clipped = network.withGradients { clipping.apply(to: $0, globalNorm: norm) }
        backup?.capture(network, optimizer)
        let mode = rk_enter_flush_to_zero()
        network.withParameters { parameters in
            network.withGradients { optimizer.step(parameters, UnsafeBufferPointer($0)) }
        }
        rk_leave_flush_to_zero(mode)
        return StepSummary(loss: loss, accuracy: pass.accuracy, gradientNorm: norm, clipped: clipped, finite: true)
    }
}

import CKernels

/// How gradients are limited before the update.
public enum ClipMode: String, CaseIterable, Sendable, Codable {
    /// Scale all gradients together so their global L2 norm is at most the
    /// threshold: PyTorch's `clip_grad_norm_`.
    case norm
    /// Clamp every element to [-threshold, threshold], as min-char-rnn does.
    case value
}

/// A clipping rule; a threshold of 0 turns clipping off.
public struct GradientClipping: Sendable, Codable, Equatable {
    public var mode: ClipMode
    public var threshold: Float

    public static let off = GradientClipping(mode: .norm, threshold: 0)

    public init(mode: ClipMode, threshold: Float) {
        self.mode = mode
        self.threshold = threshold
    }

    public var isOff: Bool { threshold == 0 }

    /// "off", "norm 1", "value 0.5": how the rule is written in the header, the
    /// settings, events and logs.
    public var text: String {
        isOff ? "off" : "\(mode.rawValue) \(threshold.settingText)"
    }

    public func validate() throws(ConfigError) {
        try ConfigError.require(
            threshold.isFinite && threshold >= 0, "clip", "must be a finite number >= 0, 0 for off (got \(threshold))")
    }

    /// Applies the rule in place, given the gradients' global norm; returns whether
    /// any gradient changed. By norm, the scale is threshold/(norm + 1e-6), applied
    /// only when below 1, exactly as PyTorch computes it.
    @discardableResult
    public func apply(to gradients: UnsafeMutableBufferPointer<Float>, globalNorm: Double) -> Bool {
        guard threshold > 0 else { return false }
        switch mode {
        case .norm:
            let scale = Double(threshold) / (globalNorm + 1e-6)
            guard scale < 1 else { return false }
            let s = Float(scale)
            for i in gradients.indices { gradients[i] *= s }
            return true
        case .value:
            var clipped = false
            for i in gradients.indices {
                let g = gradients[i]
                if g > threshold {
                    gradients[i] = threshold
                    clipped = true
                } else if g < -threshold {
                    gradients[i] = -threshold
                    clipped = true
                }
            }
            return clipped
        }
    }

    /// The sum of squares of `gradients`, accumulated in double.
    public static func squaredNorm(of gradients: UnsafeBufferPointer<Float>) -> Double {
        guard let base = gradients.baseAddress, !gradients.isEmpty else { return 0 }
        return rk_sum_squares(gradients.count, base)
    }
}

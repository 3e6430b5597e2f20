import Foundation

/// How long a min cell's units remember, read off their decays on the probe
/// sequence. A unit whose state is multiplied by a each step keeps a share a^k of it
/// after k steps: it forgets by a factor e in -1/ln(a) steps, its memory horizon.
/// (∂h_T/∂h_t is exactly the product of the decays between, so the horizon is also
/// how far back its gradient reaches.)
public struct MemoryHorizons: Sendable, Equatable {
    /// Per unit, -1/ln(mean a_t) in steps; infinite for a unit whose decays are all 1.
    public let steps: [Double]
    /// The probe sequence's length.
    public let sequenceLength: Int

    /// The horizons of the units of `decays` (units × time steps).
    public init(decays: UnitMatrix) {
        sequenceLength = decays.steps
        steps = (0..<decays.units).map { unit in
            let mean = (0..<decays.steps).reduce(0.0) { $0 + Double(decays[unit, $1]) } / Double(max(decays.steps, 1))
            return mean >= 1 ? .infinity : mean <= 0 ? 0 : -1 / Foundation.log(mean)
        }
    }

    /// The middle horizon (the lower of the two middle ones for an even count).
    public var median: Double {
        let sorted = steps.sorted()
        return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
    }

    /// The share of units that remember for longer than the sequence.
    public var shareLongerThanSequence: Double {
        steps.isEmpty ? 0 : Double(steps.filter { $0 > Double(sequenceLength) }.count) / Double(steps.count)
    }
}

import Foundation
import Testing

@testable import RNNCore

/// A unit's memory horizon is how many steps its state takes to fall by e under its
/// mean decay: checked on decays chosen so the answers are known.
@Suite struct MemoryHorizonsTests {
    @Test func horizonsAreMinusOneOverTheLogOfTheMeanDecay() {
        // Unit 1 keeps 0.9 a step; unit 2 e^(-1/100); unit 3 alternates 0.5 and 0.7 (mean
        // 0.6); unit 4 never forgets.
        let steps = 50
        var values = [Float]()
        values += Array(repeating: 0.9, count: steps)
        values += Array(repeating: Float(exp(-0.01)), count: steps)
        values += (0..<steps).map { $0 % 2 == 0 ? 0.5 : 0.7 }
        values += Array(repeating: 1, count: steps)
        let horizons = MemoryHorizons(decays: UnitMatrix(units: 4, steps: steps, values: values))
        #expect(abs(horizons.steps[0] - (-1 / log(0.9))) < 1e-5)
        #expect(abs(horizons.steps[1] - 100) < 1e-3)
        #expect(abs(horizons.steps[2] - (-1 / log(0.6))) < 1e-5)
        #expect(horizons.steps[3] == .infinity)
        #expect(horizons.shareLongerThanSequence == 0.5, "100 steps and forever are longer than 50")
        #expect(abs(horizons.median - (-1 / log(0.9))) < 1e-5, "the lower middle of 1.96, 9.49, 100, ∞")
    }
}

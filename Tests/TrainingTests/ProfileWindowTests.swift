import Testing

@testable import Training

/// The ∂L/∂h_t panel's axis and headline come from the last few profiles: they hold
/// still from frame to frame, and they forget what has left the window.
struct ProfileWindowTests {
    @Test func theHeadlineIsTheMedianRatioSoOneOddBatchDoesNotSwingIt() {
        var window = ProfileWindow(capacity: 5)
        for (step, ratio) in [1e-5, 2e-5, 1e-20, 3e-5, 4e-5].enumerated() { window.add([[ratio, 1]], step: step + 1) }
        #expect(window.medianRatios == [2e-5], "not 1e-20, the odd one")
        window.add([[5e-5, 1]], step: 6)
        #expect(window.count == 5, "the oldest, 1e-5, is forgotten")
        #expect(window.medianRatios == [3e-5])
    }

    @Test func anEvenCountTakesTheGeometricMeanOfTheMiddleTwo() {
        var window = ProfileWindow(capacity: 4)
        for (step, ratio) in [1e-6, 1e-4, 1e-2, 1].enumerated() { window.add([[ratio, 1]], step: step + 1) }
        let median = window.medianRatios[0]
        #expect(abs(median - 1e-3) < 1e-15)
    }

    @Test func anEarlyUnderflowIsForgottenOnceItLeavesTheWindow() {
        var window = ProfileWindow(capacity: 3)
        window.add([[1e-38, 1e-3, 1e-2]], step: 1)
        for step in 2...3 { window.add([[1e-3, 1e-2, 1e-1]], step: step) }
        #expect(window.range == 1e-38...1e-1)
        window.add([[1e-3, 1e-2, 1e-1]], step: 4)
        #expect(window.range == 1e-3...1e-1)
    }

    @Test func layersAreSummarisedEachOnItsOwnAndBlowUpsAreLeftOut() {
        var window = ProfileWindow()
        window.add([[1e-8, 1], [0.5, 1]], step: 1)
        window.add([[.infinity, 1], [0.25, 1]], step: 2)
        #expect(window.medianRatios.count == 2)
        #expect(window.medianRatios[0] == 1e-8)
        #expect(abs(window.medianRatios[1] - (0.5 * 0.25).squareRoot()) < 1e-15)
        #expect(window.range == 1e-8...1)
        window.clear()
        #expect(window.range == nil && window.medianRatios.isEmpty)
    }

    /// Profiles far apart in a log are not one moment: at step 1,490 one from step 1
    /// is forgotten (a tenth of the run so far is 149 steps), and a rollback forgets
    /// the steps it undid.
    @Test func onlyProfilesOfTheSameMomentAreSummarised() {
        var window = ProfileWindow(capacity: 8)
        window.add([[1e-10, 1]], step: 1)
        window.add([[0.2, 1]], step: 1490)
        #expect(window.count == 1 && window.medianRatios == [0.2])
        window.add([[0.3, 1]], step: 1500)
        #expect(window.count == 2)
        window.add([[0.1, 1]], step: 1495)
        #expect(window.count == 2 && window.medianRatios[0] == (0.2 * 0.1).squareRoot(), "step 1,500 was undone")
        #expect(ProfileWindow.span(at: 100) == 32 && ProfileWindow.span(at: 100_000) == 10_000)
    }
}

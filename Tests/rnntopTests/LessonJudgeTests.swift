import Foundation
import Testing

@testable import Training
@testable import rnntop

/// The judge with values chosen here: a figure is reproduced at the exact step it
/// first holds, not reproduced once its step has passed, judged relative to the
/// baseline or another run, and never changed once given.
@Suite struct LessonJudgeTests {
    static func lesson(_ checks: String) throws -> Lesson {
        try Lesson.parse(
            """
            title = "t"
            source = "s"
            flags = ["--task", "adding"]
            text = ["x"]
            \(checks)
            """, name: "t", file: "t.toml")
    }

    static func step(_ step: Int, loss: Double = 1, norm: Double = 1, validation: Double? = nil, ends: (Double, Double, Int)? = nil) -> StepRecord {
        var record = StepRecord(
            step: step, epochs: 0, endsEpoch: false, loss: loss, gradientNorm: norm, clipped: false, learningRate: 0.01, batchSize: 32,
            validationLoss: validation, elapsed: 0, sequences: step * 32)
        record.profileEnds = ends.map { (first: $0.0, last: $0.1, steps: $0.2) }
        return record
    }

    @Test func aFigureWithinItsStepsIsReproducedAtTheFirstStepItHolds() throws {
        let judge = LessonJudge(lesson: try Self.lesson("""
            [checks.explodes]
            says = "explodes"
            quantity = "gradient-norm"
            above = 1e12
            within = 10
            published = "1e12"
            """), runs: 1)
        for (n, norm) in [(1, 5.0), (2, 1e9), (3, 4e12), (4, 1e30)] { judge.observe(Self.step(n, norm: norm), run: 0) }
        #expect(judge.statuses[0].verdict == .reproduced(value: 4e12, step: 3))
        #expect(judge.statuses[0].now == 1e30 && judge.isDecided && judge.allReproduced)
    }

    @Test func aFigureNotReachedByItsStepIsNotReproducedAndStaysSo() throws {
        let judge = LessonJudge(lesson: try Self.lesson("""
            [checks.learns]
            says = "learns"
            quantity = "validation-loss"
            below = 0.01
            within = 100
            published = "< 0.01"
            """), runs: 1)
        judge.observe(Self.step(50, validation: 0.2), run: 0)
        #expect(judge.statuses[0].verdict == .waiting && !judge.isDecided)
        judge.observe(Self.step(100, validation: 0.02), run: 0)
        judge.observe(Self.step(101, validation: 0.001), run: 0)
        #expect(judge.statuses[0].verdict == .notReproduced(value: 0.001, step: 101))
        judge.observe(Self.step(150, validation: 0.0001), run: 0)
        #expect(judge.statuses[0].verdict == .notReproduced(value: 0.001, step: 101) && !judge.allReproduced)
    }

    @Test func aFigureAtAStepIsJudgedThereRelativeToTheBaseline() throws {
        let judge = LessonJudge(lesson: try Self.lesson("""
            [checks.baseline]
            says = "stays"
            quantity = "loss"
            relative-to = "baseline"
            above = 0.9
            at = 3
            published = "1/6"
            """), runs: 1)
        judge.know(baseline: 0.2, run: 0)
        // The training loss is the mean of the last steps: (0.1 + 0.2 + 0.27) / 3 = 0.19, 0.95 of the baseline.
        for (n, loss) in [(1, 0.1), (2, 0.2)] { judge.observe(Self.step(n, loss: loss), run: 0) }
        #expect(judge.statuses[0].verdict == .waiting)
        judge.observe(Self.step(3, loss: 0.27), run: 0)
        guard case .reproduced(let value, 3) = judge.statuses[0].verdict else { Issue.record("\(judge.statuses[0].verdict)"); return }
        #expect(abs(value - 0.95) < 1e-12)
    }

    @Test func theProfileFiguresComeFromItsEnds() throws {
        let judge = LessonJudge(lesson: try Self.lesson("""
            [checks.factor]
            says = "factor"
            quantity = "profile-step-factor"
            between = [0.5, 0.66]
            at = 1
            published = "0.58"

            [checks.ratio]
            says = "ratio"
            quantity = "profile-ratio"
            below = 1e-10
            at = 1
            published = "< 1e-10"
            """), runs: 1)
        // 0.5^50 over 51 steps: a factor of exactly 0.5, a ratio of 8.9e-16.
        judge.observe(Self.step(1, ends: (pow(0.5, 50), 1, 51)), run: 0)
        let statuses = judge.statuses
        guard case .reproduced(let factor, 1) = statuses[0].verdict, case .reproduced(let ratio, 1) = statuses[1].verdict else {
            Issue.record("\(statuses)")
            return
        }
        #expect(abs(factor - 0.5) < 1e-12 && ratio == pow(0.5, 50))
    }

    @Test func aComparisonsRunIsJudgedAgainstAnotherAndARunThatEndsLeavesItsFiguresUnreproduced() throws {
        let judge = LessonJudge(lesson: try Self.lesson("""
            [checks.gru-learns]
            says = "the second run's loss is a tenth of the first's"
            quantity = "validation-loss"
            run = 2
            relative-to = "run 1"
            below = 0.1
            within = 500
            published = "less"

            [checks.first-learns]
            says = "the first run learns"
            quantity = "validation-loss"
            below = 0.01
            within = 500
            published = "< 0.01"
            """), runs: 2)
        judge.observe(Self.step(100, validation: 0.5), run: 0)
        judge.observe(Self.step(100, validation: 0.25), run: 1)
        #expect(judge.statuses[0].verdict == .waiting && judge.statuses[0].now == 0.5)
        judge.observe(Self.step(200, validation: 0.03125), run: 1)
        #expect(judge.statuses[0].verdict == .reproduced(value: 0.0625, step: 200))
        judge.finish(run: 0, step: 300)
        #expect(judge.statuses[1].verdict == .notReproduced(value: 0.5, step: 300) && judge.isDecided && !judge.allReproduced)
    }
}

import Foundation
import RNNData
import TerminalUI
import Training

/// A chapter's runs, made from its flags as `rnntop` would make them, each feeding
/// the chapter's judge every step.
struct LessonRuns {
    let lesson: Lesson
    let train: TrainCommand
    let runs: [LiveRun]
    let judge: LessonJudge

    /// `options` for each run (the dashboard's or the headless runner's); the
    /// judge's step observer is added to them.
    init(_ lesson: Lesson, options: (RunGrid.Run) -> SessionOptions) throws {
        self.lesson = lesson
        train = try LessonCommand.trainCommand(lesson)
        let grid = try train.runGrid()
        try lesson.checkRuns(count: grid.runs.count, file: lesson.file)
        let judge = LessonJudge(lesson: lesson, runs: grid.runs.count)
        let names = grid.runs.map(\.name)
        runs = try train.makeRuns(grid) { run in
            var runOptions = options(run)
            let index = names.firstIndex(of: run.name) ?? 0
            let earlier = runOptions.stepObserver
            runOptions.stepObserver = { record in
                earlier?(record)
                judge.observe(record, run: index)
            }
            return runOptions
        }
        self.judge = judge
        // The baselines, before the first step.
        observe()
    }

    /// The runs' pictures now, to the judge.
    func observe() {
        for (index, run) in runs.enumerated() { judge.observe(run.session.snapshot, run: index) }
    }
}

/// `rnntop lesson N --headless`: trains the chapter until every check has its
/// verdict (or the runs end), then prints the verdicts; exit status 0 when every
/// figure was reproduced, 1 when one was not, 128 + the signal when interrupted.
struct LessonHeadless {
    let lesson: Lesson
    let number: Int

    func run() throws -> Int32 {
        // Each run's progress as `rnntop --headless` prints it: a chapter may train for minutes.
        var progress = [ProgressLines]()
        let made = try LessonRuns(lesson) { run in
            let lines = ProgressLines(name: run.name)
            progress.append(lines)
            var options = SessionOptions(stopWhenDone: true, stopOnDivergence: true)
            options.stepObserver = { lines.observe($0) }
            options.eventObserver = HeadlessRunner.problemReporter(run: run.name)
            return options
        }
        let runs = made.runs, judge = made.judge
        for (lines, run) in zip(progress, runs) { lines.expect(run.session.snapshot) }
        report("chapter \(number): \(lesson.title)")
        report("rnntop \(lesson.flags.joined(separator: " "))")
        let signals = SignalWatch(sessions: runs.map(\.session))
        let group = DispatchGroup()
        for (index, run) in runs.enumerated() {
            run.session.start()
            group.enter()
            DispatchQueue.global().async {
                let end = run.session.wait()
                judge.observe(end.snapshot, run: index)
                judge.finish(run: index, step: end.snapshot.step)
                group.leave()
            }
        }
        var stopped = false
        while group.wait(timeout: .now() + 0.05) == .timedOut {
            made.observe()
            if judge.isDecided && !stopped {
                stopped = true
                for run in runs { run.session.send(.quit, from: .program) }
            }
        }
        signals.stop()
        for status in judge.statuses {
            report(LessonVerdictText.line(status, runs: runs.map(\.name), showsNow: false))
            report("    checked: \(LessonVerdictText.condition(status.check, runs: runs.map(\.name)))")
        }
        if let signal = signals.received { return 128 + signal }
        let reproduced = judge.statuses.filter { if case .reproduced = $0.verdict { true } else { false } }.count
        report("\(reproduced) of \(lesson.checks.count) figures reproduced")
        return judge.allReproduced ? 0 : 1
    }
}

/// A check's verdict in words, for the headless report and the lesson panel.
enum LessonVerdictText {
    /// "✓ the LSTM carries the number: measured 0.0062 at step 640; published < 0.01
    /// (Hochreiter & Schmidhuber 1997)", and when a decided check's condition no
    /// longer holds (the learner changed the run), what it is now.
    static func line(_ status: LessonJudge.Status, runs: [String], unicode: Bool = true, showsNow: Bool = true) -> String {
        let measured = measured(status, runs: runs, showsNow: showsNow)
        return "\(mark(status.verdict, unicode: unicode)) \(status.check.says): \(measured); published \(status.check.published)"
    }

    static func mark(_ verdict: LessonJudge.Verdict, unicode: Bool) -> String {
        switch verdict {
        case .waiting: unicode ? "…" : "."
        case .reproduced: unicode ? "✓" : "+"
        case .notReproduced: unicode ? "✗" : "x"
        }
    }

    /// What was measured and when; while waiting, the value now and what it waits for.
    /// A figure of the initialisation (`at = 1`) is of that moment only: a later
    /// value is not set against it.
    static func measured(_ status: LessonJudge.Status, runs: [String], showsNow: Bool) -> String {
        let now = status.now.map(LessonFigure.text) ?? "-"
        switch status.verdict {
        case .waiting:
            return "now \(now), waiting for \(condition(status.check, runs: runs))"
        case .reproduced(let value, let step):
            let moved = showsNow && status.check.timing != .at(1) && status.now.map { !status.check.condition.holds($0) } == true
            return "measured \(LessonFigure.text(value)) at step \(Format.count(step))" + (moved ? " (now \(now): no longer holds)" : "")
        case .notReproduced(let value, let step):
            return "not reproduced: \(value.map(LessonFigure.text) ?? "no value") at step \(Format.count(step)), wanted \(condition(status.check, runs: runs))"
        }
    }

    /// The condition as the file states it: "lstm validation-loss < 0.01 within 1,000 steps".
    static func condition(_ check: LessonCheck, runs: [String]) -> String {
        let run = runs.count > 1 && check.run < runs.count ? "\(runs[check.run]) " : ""
        let relative: String
        switch check.relativeTo {
        case .none: relative = ""
        case .baseline: relative = "/baseline"
        case .run(let other): relative = "/\(other < runs.count && runs.count > 1 ? runs[other] : "run \(other + 1)")'s"
        }
        return "\(run)\(check.quantity.rawValue)\(relative) \(check.condition.text) \(check.timing.text)"
    }
}

/// A chapter in the dashboard: its runs, and its text and checks in a panel under
/// the charts, until the learner quits or moves to another chapter.
struct LessonLive {
    let lesson: Lesson
    let number: Int
    /// Chapters in all.
    let count: Int

    init(lesson: Lesson, number: Int, of count: Int) {
        self.lesson = lesson
        self.number = number
        self.count = count
    }

    enum Outcome {
        /// The dashboard closed, with this exit status.
        case ended(Int32)
        /// The learner asked for this chapter (from 1).
        case chapter(Int)
    }

    func run(_ terminal: Terminal, _ themes: ThemeCycle) throws -> Outcome {
        let made: LessonRuns
        do { made = try LessonRuns(lesson) { _ in SessionOptions() } } catch {
            terminal.restore()
            throw error
        }
        let shown = LessonShown(lesson: lesson, judge: made.judge, number: number, count: count) { made.observe() }
        let end = made.train.runDashboard(made.runs, terminal, themes, lesson: shown)
        if let chapter = end.chapter { return .chapter(chapter) }
        return .ended(end.status)
    }
}

/// What the dashboard needs of a chapter: what to show in its panel, and how to
/// let the judge see the runs before each frame.
struct LessonShown {
    let lesson: Lesson
    let judge: LessonJudge
    let number: Int
    let count: Int
    let observe: () -> Void
}

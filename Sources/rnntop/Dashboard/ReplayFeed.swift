import Foundation
import RNNData
import Training

/// A run log as the dashboard's source: the run at a cursor that the arrow keys move
/// through its steps. Following a log that another process writes, it reads what
/// was appended a few times a second, and while the cursor is at the end it stays
/// at the end, like `tail -f`.
final class ReplayFeed {
    private let reader: RunLogReader
    let following: Bool
    /// The step shown.
    private(set) var cursor: Int
    /// Whether the cursor moves with the end of a growing log.
    private var atEnd = true
    private var cached: (cursor: Int, version: Int, snapshot: Snapshot)?
    private var version = 0

    /// Reads the whole log (all that is there so far, when following). A finished log
    /// without a run record, or with a line that cannot be read, is refused.
    init(reader: RunLogReader, following: Bool) throws {
        self.reader = reader
        self.following = following
        try reader.update()
        if !following { try reader.finish() }
        cursor = reader.run?.lastStep ?? 0
    }

    var run: RecordedRun? { reader.run }
    var notes: [String] { reader.notes }
    var lastStep: Int { reader.run?.lastStep ?? 0 }

    /// Reads what the log gained; true when the picture may have changed.
    func poll() throws -> Bool {
        guard following, try reader.update() else { return false }
        version += 1
        if atEnd { cursor = lastStep }
        return true
    }

    /// The run at the cursor.
    var snapshot: Snapshot? {
        guard let run = reader.run else { return nil }
        if let cached, cached.cursor == cursor, cached.version == version { return cached.snapshot }
        let picture = run.snapshot(at: cursor)
        cached = (cursor, version, picture)
        return picture
    }

    /// Moves the cursor by a fraction of the run, forward or back, to the nearest
    /// logged step that far or farther, so that every press shows another step.
    func move(by fraction: Double) {
        guard let run = reader.run, fraction != 0 else { return }
        let steps = run.steps.step, start = run.header.startStep
        let target = cursor + Int((fraction * Double(max(lastStep - start, 1))).rounded(.awayFromZero))
        if fraction > 0 {
            let index = RecordedRun.count(steps, atMost: target - 1)
            cursor = index < steps.count ? Int(steps[index]) : lastStep
        } else {
            let index = RecordedRun.count(steps, atMost: target)
            cursor = index > 0 ? Int(steps[index - 1]) : start
        }
        cursor = min(max(cursor, start), lastStep)
        atEnd = cursor == lastStep
    }

    /// To the first logged step (the start itself has nothing to show).
    func moveToStart() {
        guard let run = reader.run else { return }
        cursor = run.steps.step.first.map(Int.init) ?? run.header.startStep
        atEnd = cursor == lastStep
    }

    func moveToEnd() {
        cursor = lastStep
        atEnd = true
    }

    /// To `step` (within the run), following the end or not: where another log of a
    /// replay of several has its cursor.
    func show(step: Int, atEnd: Bool) {
        let start = reader.run?.header.startStep ?? 0
        cursor = atEnd ? lastStep : min(max(step, start), lastStep)
        self.atEnd = atEnd
    }

    /// What the header says about the cursor.
    var position: ViewState.ReplayPosition {
        ViewState.ReplayPosition(step: cursor, lastStep: lastStep, following: following && atEnd, ended: reader.run?.ending != nil)
    }
}

import Foundation
import Training

/// The logs of `rnntop replay a.jsonl b.jsonl ...`, aligned by step: one cursor for
/// all, which the longest run's steps pace; a shorter run shows its last step once
/// the cursor is past it. One log is the replay of one run.
final class ReplaySet {
    /// Each log's feed and the name its run is shown by: the log's own name for it,
    /// else the file's name without its folder and extension. A comparison's logs
    /// come in the comparison's order, whatever order they were given in, so that
    /// each run has the colour it had when it trained.
    let feeds: [(name: String, feed: ReplayFeed)]

    init(_ feeds: [(path: String, feed: ReplayFeed)]) {
        let order = ComparisonPlace.order(feeds.map { $0.feed.run?.header.comparison })
        self.feeds = order.map { feeds[$0] }.map { path, feed in
            (feed.run?.header.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, feed)
        }
    }

    /// The feed whose run goes furthest: the one the cursor moves through.
    private var longest: ReplayFeed {
        feeds.max { $0.feed.lastStep < $1.feed.lastStep }!.feed
    }

    /// The runs at the cursor, those whose logs have a run record; nil while none has.
    var runs: [ShownRun]? {
        let shown = feeds.compactMap { name, feed in feed.snapshot.map { ShownRun(name: feeds.count > 1 ? name : "", snapshot: $0) } }
        return shown.isEmpty ? nil : shown
    }

    var notes: [String] {
        feeds.flatMap { name, feed in feed.notes.map { feeds.count > 1 ? "\(name): \($0)" : $0 } }
    }

    /// Reads what the logs gained; true when the picture may have changed. A log that
    /// cannot be read further is thrown, naming it.
    func poll() throws -> Bool {
        var grew = false
        for (_, feed) in feeds where try feed.poll() { grew = true }
        if grew { align() }
        return grew
    }

    func move(by fraction: Double) {
        longest.move(by: fraction)
        align()
    }

    func moveToStart() {
        longest.moveToStart()
        align()
    }

    func moveToEnd() {
        longest.moveToEnd()
        align()
    }

    /// Every other log to the longest's cursor (or its own last step).
    private func align() {
        let lead = longest, following = lead.position.following
        for (_, feed) in feeds where feed !== lead {
            feed.show(step: lead.cursor, atEnd: following)
        }
    }

    /// What the header says about the cursor: the longest run's place.
    var position: ViewState.ReplayPosition {
        let lead = longest.position
        let ended = feeds.allSatisfy { $0.feed.position.ended }
        return ViewState.ReplayPosition(step: lead.step, lastStep: lead.lastStep, following: lead.following, ended: ended)
    }
}

import Foundation
import TestSupport
import Testing

/// A whole screen compared with its text file under Tests/Snapshots, so that a change
/// anywhere on it (a label a row off, a legend that lost an entry) fails a test, not
/// only a change to the few strings a test thought of. `RECORD_SNAPSHOTS=1 swift test`
/// writes the files anew; review them with `git diff` before committing.
enum ScreenSnapshot {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Snapshots")

    /// Whether this run records the screens instead of comparing them.
    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Compares `lines` with Tests/Snapshots/`name`.txt; on a difference, records an
    /// issue with the rows that differ and the path of the screen as drawn.
    static func check(_ lines: [String], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder.appendingPathComponent("\(name).txt")
        let drawn = lines.joined(separator: "\n") + "\n"
        if recording {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(drawn.utf8).write(to: file)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record(Comment(rawValue: "no snapshot Tests/Snapshots/\(name).txt: RECORD_SNAPSHOTS=1 records it"), sourceLocation: sourceLocation)
            return
        }
        guard expected != drawn else { return }
        let saved = try Fixtures.write(drawn, named: "\(name).txt")
        let message = "the screen differs from Tests/Snapshots/\(name).txt (drawn: \(saved); RECORD_SNAPSHOTS=1 rewrites it):\n"
        Issue.record(Comment(rawValue: message + rowDifferences(expected, drawn)), sourceLocation: sourceLocation)
    }

    /// The rows that differ, each as "-" expected and "+" drawn, at most ten.
    static func rowDifferences(_ expected: String, _ drawn: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = drawn.split(separator: "\n", omittingEmptySubsequences: false)
        let rows = (0..<max(old.count, new.count)).filter { row in
            (row < old.count ? old[row] : nil) != (row < new.count ? new[row] : nil)
        }
        let shown = rows.prefix(10).map { row in
            "row \(row + 1)\n- \(row < old.count ? String(old[row]) : "(none)")\n+ \(row < new.count ? String(new[row]) : "(none)")"
        }
        return (shown + (rows.count > 10 ? ["… and \(rows.count - 10) more rows"] : [])).joined(separator: "\n")
    }
}

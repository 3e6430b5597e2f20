import Foundation
import TerminalUI

/// The `t` key: the catalog's themes in turn. Each is read from its file when it
/// comes up, so a theme being edited in another window shows its changes; one that
/// cannot be read is passed over with its error, and the current theme stays.
struct ThemeCycle {
    let catalog: ThemeCatalog
    private(set) var current: Theme
    /// The name the last press tried, which the next press moves past.
    private var position: String

    init(catalog: ThemeCatalog, current: Theme) {
        self.catalog = catalog
        self.current = current
        position = current.name
    }

    /// Moves to the next theme. Returns the error of a theme that cannot be read
    /// (the current one stays; the next press tries the one after it), naming the
    /// file without its folder so that it fits the message line.
    mutating func advance() -> ThemeError? {
        let entries = catalog.entries
        guard !entries.isEmpty else { return nil }
        let index = entries.firstIndex { $0.name == position }.map { ($0 + 1) % entries.count } ?? 0
        let entry = entries[index]
        position = entry.name
        do {
            current = try catalog.load(entry)
            return nil
        } catch {
            let file = error.file.map { URL(fileURLWithPath: $0).lastPathComponent }
            return ThemeError(file: file, line: error.line, key: error.key, problem: error.problem)
        }
    }
}

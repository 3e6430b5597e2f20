import ArgumentParser
import RNNData
import TerminalUI

/// `rnntop themes`: every theme by name, where it was found, what it is for, and
/// whether it reads (a broken file says why here rather than when it is chosen).
struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the dashboard's colour themes and where each was found.",
        discussion: """
            A name is looked up in your folder ($XDG_CONFIG_HOME/rnntop/themes, by default \
            ~/.config/rnntop/themes), then in the themes/ folder shipped with rnntop, then among \
            the copies built into the program. Copy a shipped theme to your folder to change it; \
            keys you leave out keep the default theme's values.
            """
    )

    @Argument(help: "A theme to print, to copy and edit (rnntop themes light > ~/.config/rnntop/themes/mine.toml).")
    var name: String?

    func run() throws {
        let catalog = DashboardThemes.catalog()
        if let name {
            // The file as it is; control characters other than tabs are made visible.
            var lines = try catalog.source(of: name).split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            for line in lines {
                print(line.split(separator: "\t", omittingEmptySubsequences: false).map { Escaping.escape(String($0)) }.joined(separator: "\t"))
            }
            return
        }
        for line in Self.listing(catalog) { print(Escaping.escape(line)) }
    }

    /// The listing: the folders searched, then a line per theme.
    static func listing(_ catalog: ThemeCatalog) -> [String] {
        var lines = [
            "yours:   \(catalog.userDirectory.map(ThemeCatalog.abbreviatingHome) ?? "(no HOME)")",
            "shipped: \(catalog.shippedDirectory.map(ThemeCatalog.abbreviatingHome) ?? "(not found; using the built-in copies)")",
            "",
        ]
        let entries = catalog.entries
        let width = (entries.map(\.name.count).max() ?? 0) + 2
        for entry in entries {
            var line = entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
            line += entry.origin.kind.padding(toLength: 10, withPad: " ", startingAt: 0)
            do {
                let summary = try catalog.load(entry).summary
                line += summary.isEmpty ? "(no description)" : summary
            } catch {
                line += "cannot be used: \(error.description)"
            }
            // The built-in copies are the shipped files: a shipped theme hides nothing new.
            if entry.origin.kind != "shipped", let hidden = entry.hidden.first { line += " (hides the \(hidden.kind) one)" }
            lines.append(line)
        }
        return lines
    }
}

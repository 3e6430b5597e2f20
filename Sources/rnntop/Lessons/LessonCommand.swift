import ArgumentParser
import Foundation
import RNNData
import TerminalUI
import Training

/// `rnntop lesson [N]`: the guided lessons. Without a chapter, the list; with one,
/// the chapter's experiment in the dashboard with its text and its checks beside the
/// charts (N and P move between chapters), or headless, the checks' outcome.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Guided lessons: the story of recurrent networks as live experiments, each checked against its published figure.",
        discussion: """
            Each chapter trains a run (often a comparison) in the dashboard, says what to look at and what to \
            try, and checks the run against the figure it should reproduce, the measured number beside the \
            published one. Keys: N next chapter, P previous, L hide or show the text; every other key works as \
            in a run. Headless (--headless, or without a terminal) the chapter trains until every check has its \
            verdict, printing each run's progress as rnntop --headless does, then prints the verdicts and exits 0 \
            when every figure was reproduced, 1 otherwise. Chapters are files: lessons/README.md says how to \
            write one; yours go in $XDG_CONFIG_HOME/rnntop/lessons (by default ~/.config/rnntop/lessons).
            """
    )

    @Argument(help: "The chapter: its number, or its file's name without .toml (01-vanishing). None: the list.")
    var chapter: String?

    @Flag(help: "Train without the dashboard and print each check's verdict.")
    var headless = false

    @Option(help: "Dashboard colours: a theme's name (see `rnntop themes`) or a path to a .toml file.")
    var theme: String?

    func run() throws {
        let catalog = LessonCatalog()
        guard let chapter else {
            for line in try Self.listing(catalog) { print(Escaping.escape(line)) }
            return
        }
        var (number, entry) = try catalog.entry(chapter)
        let colors = try ThemeChoice(theme)
        if !headless && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0 {
            while true {
                let lesson = try catalog.load(entry)
                guard let terminal = Terminal(color: !colors.noColor) else {
                    printError("TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "") is not a terminal curses knows; the lesson runs headless")
                    break
                }
                switch try LessonLive(lesson: lesson, number: number, of: catalog.entries.count).run(terminal, colors.cycle) {
                case .ended(let status):
                    if status != 0 { throw ExitCode(status) }
                    return
                case .chapter(let next):
                    (number, entry) = (next, catalog.entries[next - 1])
                }
            }
        }
        let status = try LessonHeadless(lesson: try catalog.load(entry), number: number).run()
        if status != 0 { throw ExitCode(status) }
    }

    /// The chapters, a line each: number, title and source; then how to start.
    static func listing(_ catalog: LessonCatalog) throws -> [String] {
        var lines: [String] = []
        for (index, entry) in catalog.entries.enumerated() {
            let number = String(format: "%2d", index + 1)
            do {
                let lesson = try catalog.load(entry)
                lines.append("\(number)  \(lesson.title)")
                lines.append("    \(lesson.source)")
            } catch {
                lines.append("\(number)  \(entry.name): cannot be used: \(error)")
            }
        }
        lines.append("")
        lines.append("rnntop lesson 1 begins; N and P in the dashboard move between chapters.")
        return lines
    }

    /// The run of a chapter's flags, as `rnntop` would make it from them; a flag the
    /// train command refuses is the chapter file's mistake.
    static func trainCommand(_ lesson: Lesson) throws(InputError) -> TrainCommand {
        do {
            return try TrainCommand.parse(dataBesideLessons(lesson.flags))
        } catch {
            throw InputError(file: lesson.file, field: "flags", problem: TrainCommand.message(for: error))
        }
    }

    /// A chapter's `--data` file named without a folder is looked for in the current
    /// folder, then beside the chapters (yours, then the shipped lessons/ folder, which
    /// holds the text of chapter 7); found nowhere, the message says where it looked.
    static func dataBesideLessons(_ flags: [String]) throws -> [String] {
        var flags = flags
        for index in flags.indices.dropLast() where flags[index] == "--data" {
            let name = flags[index + 1]
            guard !name.contains("/"), !FileManager.default.fileExists(atPath: name) else { continue }
            let folders = [LessonCatalog.userDirectory(ProcessInfo.processInfo.environment), ShippedFiles.lessons].compactMap { $0 }
            guard let found = folders.map({ ($0 as NSString).appendingPathComponent(name) }).first(where: FileManager.default.fileExists)
            else {
                let places = ["the current folder"] + folders + (ShippedFiles.lessons == nil ? ["share/rnntop/lessons beside this program"] : [])
                throw ValidationError("--data \(name): not in \(places.joined(separator: ", "))")
            }
            flags[index + 1] = found
        }
        return flags
    }
}

import Foundation
import RNNData
import TerminalUI

/// Where chapters are found, as themes are: the user's folder
/// (`$XDG_CONFIG_HOME/rnntop/lessons`, by default `~/.config/rnntop/lessons`), the
/// lessons/ folder that came with the program, then the copies built into it. The
/// chapters are in their files' names' order ("01-vanishing", "02-exploding", ...), so
/// a teacher's `09-mine.toml` becomes chapter 9.
struct LessonCatalog {
    let files: FileCatalog

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(userDirectory: Self.userDirectory(environment), shippedDirectory: ShippedFiles.lessons)
    }

    init(userDirectory: String?, shippedDirectory: String?) {
        files = FileCatalog(userDirectory: userDirectory, shippedDirectory: shippedDirectory, builtIn: BuiltInLessons.sources)
    }

    /// The chapters' files, in order: chapter N is `entries[N - 1]`.
    var entries: [FileCatalog.Entry] { files.entries }

    /// The chapter a number (from 1) or a file's name refers to.
    func entry(_ reference: String) throws(InputError) -> (number: Int, entry: FileCatalog.Entry) {
        let entries = entries
        if let number = Int(reference) {
            guard number >= 1 && number <= entries.count else {
                throw InputError(file: "rnntop lesson", field: "chapter", problem: "no chapter \(number): there are \(entries.count) (rnntop lesson lists them)")
            }
            return (number, entries[number - 1])
        }
        guard let index = entries.firstIndex(where: { $0.name == reference }) else {
            throw InputError(file: "rnntop lesson", field: "chapter", problem: "no chapter named '\(reference)' (rnntop lesson lists them)")
        }
        return (index + 1, entries[index])
    }

    /// The chapter an entry names, read now (so a teacher's edits show).
    func load(_ entry: FileCatalog.Entry) throws(InputError) -> Lesson {
        let text: (source: String, file: String)
        do throws(FileCatalog.FileProblem) { text = try files.text(of: entry) } catch {
            throw InputError(file: error.file, problem: error.problem)
        }
        return try Lesson.parse(text.source, name: entry.name, file: text.file)
    }

    static func userDirectory(_ environment: [String: String]) -> String? {
        DashboardThemes.userDirectory(environment).map { ($0 as NSString).deletingLastPathComponent + "/lessons" }
    }
}

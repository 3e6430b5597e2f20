import Foundation

/// Where themes are found (see `FileCatalog`: the user's folder, the shipped folder,
/// the copies built into the binary). A reference with a `/` or ending in `.toml` is a
/// path instead. Every theme's missing keys come from `base` (the built-in
/// `default`), and the program's `roles` are the tables a file may set besides
/// `[colors]` and `[heatmap]`.
public struct ThemeCatalog: Sendable {
    public typealias Origin = FileCatalog.Origin
    public typealias Entry = FileCatalog.Entry

    /// The folders and built-in copies themes are looked up in.
    public let files: FileCatalog
    public var userDirectory: String? { files.userDirectory }
    public var shippedDirectory: String? { files.shippedDirectory }
    /// What every theme's missing keys are taken from.
    public let base: Theme
    public let roles: ThemeRoles

    public init(userDirectory: String?, shippedDirectory: String?, builtIn: [String: String], base: Theme, roles: ThemeRoles) {
        files = FileCatalog(userDirectory: userDirectory, shippedDirectory: shippedDirectory, builtIn: builtIn, first: ["default"])
        self.base = base
        self.roles = roles
    }

    /// Every theme by name, `default` first and then alphabetically, each from the
    /// first place that has it.
    public var entries: [Entry] { files.entries }

    /// The theme a name or path refers to; missing keys come from the shipped default.
    public func load(_ reference: String) throws(ThemeError) -> Theme {
        if Self.isPath(reference) {
            let name = URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent
            let source: String
            do throws(FileCatalog.FileProblem) { source = try FileCatalog.read(path: reference) } catch {
                throw ThemeError(file: error.file, problem: error.problem)
            }
            return try ThemeFile.parse(source, name: name, file: Self.abbreviatingHome(reference), base: base, roles: roles)
        }
        guard let entry = entries.first(where: { $0.name == reference }) else {
            let names = entries.map(\.name).joined(separator: ", ")
            throw ThemeError(file: nil, problem: "no theme named '\(reference)' (themes: \(names); or give a path to a .toml file)")
        }
        return try load(entry)
    }

    /// The theme an entry names, read now (so edits to the file show).
    public func load(_ entry: Entry) throws(ThemeError) -> Theme {
        let (source, file) = try text(of: entry)
        return try ThemeFile.parse(source, name: entry.name, file: file, base: base, roles: roles)
    }

    /// The text of the file behind a theme name, to copy and edit.
    public func source(of name: String) throws(ThemeError) -> String {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ThemeError(file: nil, problem: "no theme named '\(name)' (themes: \(entries.map(\.name).joined(separator: ", ")))")
        }
        let source = try text(of: entry).source
        return entry.origin.path == nil ? source + "\n" : source
    }

    /// True for a reference that names a file rather than a theme.
    public static func isPath(_ reference: String) -> Bool {
        reference.contains("/") || reference.hasSuffix(".toml")
    }

    private func text(of entry: Entry) throws(ThemeError) -> (source: String, file: String) {
        do throws(FileCatalog.FileProblem) { return try files.text(of: entry) } catch {
            throw ThemeError(file: error.file, problem: error.problem)
        }
    }

    /// `~/...` for a path in the home folder, as people write it.
    public static func abbreviatingHome(_ path: String) -> String { FileCatalog.abbreviatingHome(path) }
}

import Foundation

/// Where themes are found. A name is looked up in the user's folder, then in the
/// folder shipped with the program, then among the copies built into the binary;
/// the first `NAME.toml` found wins. A reference with a `/` or ending in `.toml` is a
/// path instead. Every theme's missing keys come from `base` (the built-in
/// `default`), and the program's `roles` are the tables a file may set besides
/// `[colors]` and `[heatmap]`.
public struct ThemeCatalog: Sendable {
    /// Where a theme was found.
    public enum Origin: Sendable, Equatable {
        case user(path: String)
        case shipped(path: String)
        case builtIn

        /// "user", "shipped" or "built-in".
        public var kind: String {
            switch self {
            case .user: "user"
            case .shipped: "shipped"
            case .builtIn: "built-in"
            }
        }

        public var path: String? {
            switch self {
            case .user(let path), .shipped(let path): path
            case .builtIn: nil
            }
        }
    }

    /// A theme's name, the file that provides it, and the ones it hides.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let origin: Origin
        /// Themes of the same name further down the lookup order.
        public let hidden: [Origin]
    }

    public let userDirectory: String?
    public let shippedDirectory: String?
    /// The text of each theme file built into the program, by name; `default` among them.
    public let builtIn: [String: String]
    /// What every theme's missing keys are taken from.
    public let base: Theme
    public let roles: ThemeRoles

    public init(userDirectory: String?, shippedDirectory: String?, builtIn: [String: String], base: Theme, roles: ThemeRoles) {
        self.userDirectory = userDirectory
        self.shippedDirectory = shippedDirectory
        self.builtIn = builtIn
        self.base = base
        self.roles = roles
    }

    /// Every theme by name, `default` first and then alphabetically, each from the
    /// first place that has it.
    public var entries: [Entry] {
        let places: [(String?, (String) -> Origin)] = [
            (userDirectory, { .user(path: $0) }), (shippedDirectory, { .shipped(path: $0) }),
        ]
        var origins: [String: [Origin]] = [:]
        for (directory, origin) in places {
            guard let directory else { continue }
            for name in Self.themeNames(in: directory) {
                origins[name, default: []].append(origin(Self.file(name, in: directory)))
            }
        }
        for name in builtIn.keys { origins[name, default: []].append(.builtIn) }
        return origins.keys.sorted { ($0 == "default" ? 0 : 1, $0) < ($1 == "default" ? 0 : 1, $1) }.map { name in
            let found = origins[name]!
            return Entry(name: name, origin: found[0], hidden: Array(found.dropFirst()))
        }
    }

    /// The theme a name or path refers to; missing keys come from the shipped default.
    public func load(_ reference: String) throws(ThemeError) -> Theme {
        if Self.isPath(reference) {
            let name = URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent
            return try read(path: reference, name: name)
        }
        guard let entry = entries.first(where: { $0.name == reference }) else {
            let names = entries.map(\.name).joined(separator: ", ")
            throw ThemeError(file: nil, problem: "no theme named '\(reference)' (themes: \(names); or give a path to a .toml file)")
        }
        return try load(entry)
    }

    /// The theme an entry names, read now (so edits to the file show).
    public func load(_ entry: Entry) throws(ThemeError) -> Theme {
        guard let path = entry.origin.path else {
            let source = builtIn[entry.name]!
            return try ThemeFile.parse(source, name: entry.name, file: "built-in \(entry.name).toml", base: base, roles: roles)
        }
        return try read(path: path, name: entry.name)
    }

    /// The text of the file behind a theme name, to copy and edit.
    public func source(of name: String) throws(ThemeError) -> String {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ThemeError(file: nil, problem: "no theme named '\(name)' (themes: \(entries.map(\.name).joined(separator: ", ")))")
        }
        guard let path = entry.origin.path else { return builtIn[name]! + "\n" }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: Self.abbreviatingHome(path), problem: "cannot be read as UTF-8 text")
        }
        return text
    }

    /// True for a reference that names a file rather than a theme.
    public static func isPath(_ reference: String) -> Bool {
        reference.contains("/") || reference.hasSuffix(".toml")
    }

    private func read(path: String, name: String) throws(ThemeError) -> Theme {
        let shown = Self.abbreviatingHome(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw ThemeError(file: shown, problem: exists ? (isDirectory.boolValue ? "is a folder" : "cannot be read") : "no such file")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: shown, problem: "not UTF-8 text")
        }
        return try ThemeFile.parse(source, name: name, file: shown, base: base, roles: roles)
    }

    private static func themeNames(in directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
    }

    private static func file(_ name: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(name + ".toml")
    }

    /// `~/...` for a path in the home folder, as people write it.
    public static func abbreviatingHome(_ path: String) -> String {
        guard let home = ProcessInfo.processInfo.environment["HOME"], home.count > 1, path.hasPrefix(home + "/") else {
            return path
        }
        return "~" + path.dropFirst(home.count)
    }
}

import Foundation

/// Where a program's data files of one kind (themes, lessons) are found: a name is
/// looked up in the user's folder, then in the folder shipped with the program, then
/// among the copies built into the binary; the first `NAME.toml` found wins, and it
/// is read when it is asked for (so edits to the file show).
public struct FileCatalog: Sendable {
    /// Where a file was found.
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

    /// A file's name (without `.toml`), where it was found, and the ones it hides.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let origin: Origin
        /// Files of the same name further down the lookup order.
        public let hidden: [Origin]
    }

    public let userDirectory: String?
    public let shippedDirectory: String?
    /// The text of each file built into the program, by name.
    public let builtIn: [String: String]
    /// Names listed before the others (which follow in alphabetical order).
    public let first: [String]

    public init(userDirectory: String?, shippedDirectory: String?, builtIn: [String: String], first: [String] = []) {
        self.userDirectory = userDirectory
        self.shippedDirectory = shippedDirectory
        self.builtIn = builtIn
        self.first = first
    }

    /// Every file by name, each from the first place that has it: the names of
    /// `first`, then the others alphabetically.
    public var entries: [Entry] {
        let places: [(String?, (String) -> Origin)] = [
            (userDirectory, { .user(path: $0) }), (shippedDirectory, { .shipped(path: $0) }),
        ]
        var origins: [String: [Origin]] = [:]
        for (directory, origin) in places {
            guard let directory else { continue }
            for name in Self.names(in: directory) {
                origins[name, default: []].append(origin((directory as NSString).appendingPathComponent(name + ".toml")))
            }
        }
        for name in builtIn.keys { origins[name, default: []].append(.builtIn) }
        func rank(_ name: String) -> Int { first.firstIndex(of: name) ?? first.count }
        return origins.keys.sorted { (rank($0), $0) < (rank($1), $1) }.map { name in
            let found = origins[name]!
            return Entry(name: name, origin: found[0], hidden: Array(found.dropFirst()))
        }
    }

    /// An entry's text, and the file to name in messages about it ("built-in
    /// NAME.toml" for a copy in the binary, `~/...` for one in the home folder).
    public func text(of entry: Entry) throws(FileProblem) -> (source: String, file: String) {
        guard let path = entry.origin.path else { return (builtIn[entry.name] ?? "", "built-in \(entry.name).toml") }
        return (try Self.read(path: path), Self.abbreviatingHome(path))
    }

    /// Why a file could not be read, worded for its user, and the file as they would
    /// name it.
    public struct FileProblem: Error, Equatable {
        public let file: String
        public let problem: String
    }

    /// A file's text: refused when it is missing, a folder, unreadable or not UTF-8.
    public static func read(path: String) throws(FileProblem) -> String {
        let shown = abbreviatingHome(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw FileProblem(file: shown, problem: exists ? (isDirectory.boolValue ? "is a folder" : "cannot be read") : "no such file")
        }
        guard let source = String(data: data, encoding: .utf8) else { throw FileProblem(file: shown, problem: "not UTF-8 text") }
        return source
    }

    private static func names(in directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
    }

    /// `~/...` for a path in the home folder, as people write it.
    public static func abbreviatingHome(_ path: String) -> String {
        guard let home = ProcessInfo.processInfo.environment["HOME"], home.count > 1, path.hasPrefix(home + "/") else {
            return path
        }
        return "~" + path.dropFirst(home.count)
    }
}

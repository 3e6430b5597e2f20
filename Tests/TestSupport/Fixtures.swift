import Foundation

/// Where the tests find the shared reference material.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/golden next to the checkout, the source of truth; the copy in
    /// Tests/Fixtures/golden when the checkout stands alone (a CI clone elsewhere).
    public static var goldenFolder: URL {
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/golden")
        if FileManager.default.fileExists(atPath: shared.path) { return shared }
        return packageRoot.appendingPathComponent("Tests/Fixtures/golden")
    }

    /// ../shared/data next to the checkout, or the copy in Tests/Fixtures/data.
    public static var dataFolder: URL {
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        if FileManager.default.fileExists(atPath: shared.path) { return shared }
        return packageRoot.appendingPathComponent("Tests/Fixtures/data")
    }

    /// A real data file (sunspots.csv, hamlet.txt, ...).
    public static func data(_ name: String) -> String {
        dataFolder.appendingPathComponent(name).path
    }

    /// Writes `contents` to a new file called `name` in a fresh folder; returns its path.
    public static func write(_ contents: String, named name: String) throws -> String {
        let url = try temporaryFolder().appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    /// Every reference case file, in name order.
    public static var goldenFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldenFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { goldenFolder.appendingPathComponent($0) }
    }

    /// A fresh empty folder for a test's files.
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

import Foundation

/// Where the tests find their reference material: Tests/Fixtures, and only there,
/// so that a result never depends on what sits beside the checkout.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// PyTorch's reference cases (Tests/Fixtures/golden; its README gives the format).
    public static let goldenFolder = packageRoot.appendingPathComponent("Tests/Fixtures/golden")

    /// Real public-domain data (Tests/Fixtures/data; its README says where each came from).
    public static let dataFolder = packageRoot.appendingPathComponent("Tests/Fixtures/data")

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

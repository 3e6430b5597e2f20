import Foundation

/// Files that come with the program rather than from the user: the themes/ and
/// lessons/ folders and the reference cases of `rnntop verify`.
enum ShippedFiles {
    /// The shipped themes: themes/ in the source tree, share/rnntop/themes installed.
    static var themes: String? { folder(["themes", "share/rnntop/themes"], holding: "default.toml") }

    /// The shipped lessons: lessons/ in the source tree, share/rnntop/lessons installed.
    static var lessons: String? { folder(["lessons", "share/rnntop/lessons"], holding: "01-vanishing.toml") }

    /// PyTorch's reference cases: Tests/Fixtures/golden in the source tree,
    /// share/rnntop/golden installed.
    static var referenceCases: String? {
        folder(["Tests/Fixtures/golden", "share/rnntop/golden"], holding: "lstm_tanh_basic.json")
    }

    /// The first of `candidates` (paths relative to a folder) found beside the
    /// executable or in a folder above it: a build inside the source tree, or a
    /// program installed in `bin/` beside `share/`. Only a folder holding `marker`
    /// counts, so that an unrelated folder of the same name is passed over.
    static func folder(_ candidates: [String], holding marker: String) -> String? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while true {
            for candidate in candidates {
                let found = folder.appendingPathComponent(candidate)
                if FileManager.default.fileExists(atPath: found.appendingPathComponent(marker).path) {
                    return found.path
                }
            }
            guard folder.path != "/" else { return nil }
            folder = folder.deletingLastPathComponent()
        }
    }
}

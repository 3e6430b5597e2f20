// swift-tools-version: 6.0
import Foundation
import PackageDescription

let package = Package(
    name: "rnntop",
    products: [
        .executable(name: "rnntop", targets: ["rnntop"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .target(
            name: "CKernels",
            path: "Sources/CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        .target(name: "RNNCore", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "RNNData", dependencies: ["RNNCore"]),
        // Training/Formats/README.md says which file holds which format.
        .target(name: "Training", dependencies: ["RNNCore", "RNNData"], exclude: ["Formats/README.md"]),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .target(name: "CTerminal", path: "Sources/CTerminal"),
        .target(
            name: "TerminalUI",
            dependencies: ["CNcurses", "CTerminal"]
        ),
        .executableTarget(
            name: "rnntop",
            dependencies: [
                "RNNCore",
                "RNNData",
                "Training",
                "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The readers of untrusted input as functions of bytes: for the fuzzer, and for
        // the tests that replay its corpus.
        .target(name: "FuzzTargets", dependencies: ["RNNCore", "RNNData", "Training", "TerminalUI"], path: "Fuzz/Targets"),
        .target(name: "TestSupport", dependencies: ["RNNCore"], path: "Tests/TestSupport"),
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "RNNCoreTests", dependencies: ["RNNCore", "CKernels", "TestSupport", "AllocationCounter"]),
        .testTarget(name: "RNNDataTests", dependencies: ["RNNData", "RNNCore", "TestSupport", "AllocationCounter"]),
        .testTarget(
            name: "TrainingTests", dependencies: ["Training", "RNNData", "RNNCore", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "TestSupport"]),
        .testTarget(name: "rnntopTests", dependencies: ["rnntop", "RNNCore", "TestSupport"]),
        // The real program in a real terminal (tmux): only what needs one, apart from
        // the unit tests (startup, resize, signals, --follow, exit codes).
        .testTarget(name: "rnntopTerminalTests", dependencies: ["rnntop", "TerminalUI", "Training", "TestSupport"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer driver, only for Scripts/fuzz.sh (RNNTOP_FUZZ=1, --sanitize fuzzer, its
// own scratch path): libFuzzer brings its own main, which an ordinary build lacks.
if ProcessInfo.processInfo.environment["RNNTOP_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "rnntop-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Driver"))
}

import Foundation
import RNNCore
import RNNData
import TerminalUI
import Training

/// rnntop's readers of untrusted input, each as one function of bytes, for the
/// coverage-guided fuzzer (`Scripts/fuzz.sh TARGET SECONDS`) and for the tests that
/// replay every input in `Fuzz/Corpus` (the seeds, and every input a fuzzer ever
/// found a problem with). A reader may refuse its input, and most inputs are
/// refused; what it must never do is trap, abort or hang.
///
/// ```swift
/// let accepted = FuzzTarget.csv.run(Array("a,b\n1,2\n".utf8))
/// ```
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A CSV series, read into a task (`--task csv --data`).
    case csv
    /// A text corpus, decoded into a character task (`--task text --data`).
    case text
    /// A theme file (`--theme PATH`).
    case theme
    /// A run log, read and turned into snapshots (`rnntop replay`).
    case log
    /// A checkpoint, read and put in place in a session (`--resume`); its checksum
    /// is made right first, so that the fuzzer reaches what is behind it.
    case checkpoint
    /// Lines of commands (`--control`, standard input).
    case control
    /// A weights file (`--init-from`): safetensors from anywhere, read, its model's
    /// shape taken from its tensors, and put in place in a session of that shape.
    case weights

    /// Runs the reader on `bytes`; whether it accepted them.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .csv: return Self.task(.csv, bytes)
        case .text: return Self.task(.text, bytes)
        case .theme: return Self.theme(bytes)
        case .log: return Self.log(bytes)
        case .checkpoint: return Self.checkpoint(bytes)
        case .control: return Self.control(bytes)
        case .weights: return Self.weights(bytes)
        }
    }

    /// Memory a fuzzed input may make the program plan for: small, so that an input
    /// asking for more is refused (as it would be on a machine of this size) rather
    /// than slowing the fuzzer down.
    static let memoryLimit = 256e6

    /// The task as the data file makes it, gaps refused and then filled, and a few
    /// batches of it. Short windows, so that a small input reaches the windows.
    private static func task(_ kind: TaskKind, _ bytes: [UInt8]) -> Bool {
        let path = scratchFile(kind.rawValue, bytes)
        var generator = RandomGenerator(seed: 1)
        for fill in [nil, FillMethod.linear] {
            let options = TaskOptions(kind: kind, dataPath: path, sequenceLength: 2, validationSplit: 0.3, fill: fill)
            guard let task = try? makeTask(options, generator: &generator, memoryLimit: memoryLimit) else { continue }
            for size in [1, 3] where (try? task.checkBatchSize(size)) != nil {
                for _ in 0..<3 { _ = task.nextBatch(size: size, generator: &generator) }
            }
            return true
        }
        return false
    }

    /// The roles rnntop declares (`[series]`, `[states]`, `[runs]`: the shipped default,
    /// the base of every theme, must read with them); the reader is the same whatever
    /// tables a program names.
    static let themeRoles = ThemeRoles([
        .init("series", ["train", "smoothed", "validation", "baseline", "clip"]), .init("states", ["running", "paused", "diverged"]),
        .init("runs", (1...8).map(String.init)),
    ])

    /// The theme read whole (as the base of others is) and over a base, as every
    /// other theme is; like the program, only UTF-8 text is read.
    private static func theme(_ bytes: [UInt8]) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        let whole = try? ThemeFile.parse(text, name: "fuzzed", file: "fuzzed.toml", base: nil, roles: themeRoles)
        guard let base = whole ?? themeBase else { return false }
        return (try? ThemeFile.parse(text, name: "fuzzed", file: "fuzzed.toml", base: base, roles: themeRoles)) != nil
    }

    /// The shipped default theme, from the checkout, as the base.
    private static let themeBase: Theme? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent("themes/default.toml"), encoding: .utf8) else { return nil }
        return try? ThemeFile.parse(text, name: "default", file: "default.toml", base: nil, roles: themeRoles)
    }()

    private static func log(_ bytes: [UInt8]) -> Bool {
        let path = scratchFile("jsonl", bytes)
        guard let reader = try? RunLogReader(path: path), (try? reader.update()) != nil, (try? reader.finish()) != nil,
            let run = reader.run
        else { return false }
        for step in [0, run.header.startStep, run.lastStep / 2, run.lastStep] { _ = run.snapshot(at: step) }
        return true
    }

    private static func checkpoint(_ bytes: [UInt8]) -> Bool {
        // The checksum made right again, so that mutations reach the checks behind it.
        var bytes = bytes
        if bytes.starts(with: Checkpoint.legacyMagic), bytes.count >= 20 {
            let sum = Checkpoint.checksum(bytes[..<(bytes.count - 8)])
            withUnsafeBytes(of: sum.littleEndian) { bytes.replaceSubrange((bytes.count - 8)..., with: $0) }
        } else if var file = try? SafetensorsFile.parse(bytes, path: "fuzzed.ckpt"), let header = file.metadata[Checkpoint.headerKey] {
            file.metadata[Checkpoint.checksumKey] = Checkpoint.checksum(of: file, header: header)
            bytes = file.bytes()
        }
        guard let saved = try? Checkpoint(bytes: bytes, file: "fuzzed.ckpt") else { return false }
        // A task with a data file would read whatever file the input names.
        guard saved.settings.task.dataPath == nil else { return true }
        var options = SessionOptions()
        options.memoryLimit = memoryLimit
        let session = try? Session(resuming: saved, checkpointPath: scratchFolder + "/resumed.ckpt", options: options)
        _ = session?.snapshot
        return session != nil
    }

    /// As `--init-from` on the sine task: the file read, the cell, size, layers and
    /// activation from its tensors, and the session that starts from its values.
    private static func weights(_ bytes: [UInt8]) -> Bool {
        let path = scratchFile("safetensors", bytes)
        guard let read = try? SafetensorsFile.read(path) else { return false }
        let file = Checkpoint.modelWeights(of: read)
        guard let shape = try? PyTorchWeights.shape(of: file, path: path) else { return false }
        var training = TaskDefaults(
            cell: shape.cell, hiddenSize: shape.hiddenSize, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2), batchSize: 2,
            length: .steps(1))
        training.layers = shape.layers
        training.activation = shape.activation ?? .tanh
        let settings = RunSettings(task: TaskOptions(kind: .sine, sequenceLength: 4), training: training, seed: 1, initialWeightsPath: path)
        var options = SessionOptions()
        options.memoryLimit = memoryLimit
        options.initialWeights = file
        return (try? Session(settings: settings, options: options)) != nil
    }

    private static func control(_ bytes: [UInt8]) -> Bool {
        var accepted = true
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            do {
                _ = try ControlLine.parse(String(line))
            } catch {
                accepted = false
            }
        }
        return accepted
    }

    /// A file in this process's own folder holding `bytes`, for the readers that
    /// read files; the same path each time, so a long fuzzing run leaves one file.
    /// Written plainly (FileManager would sync it to disk, a hundred times slower).
    private static func scratchFile(_ name: String, _ bytes: [UInt8]) -> String {
        let path = scratchFolder + "/input." + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        return path
    }

    /// In memory (/dev/shm) where there is such a place: a file written for every
    /// input would otherwise keep the disk busy.
    private static let scratchFolder: String = {
        let memory = FileManager.default.isWritableFile(atPath: "/dev/shm")
        let base = memory ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        let path = base.appendingPathComponent("rnntop-fuzz-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzTarget.scratchFolder) }
        return path
    }()
}

import ArgumentParser
import Foundation
import RNNCore
import RNNData

/// `rnntop bench`: the engine's training throughput over the grid of cells, hidden
/// sizes and batch sizes, and the seed example's wall time.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training throughput (forward + backward + Adam) over the engine's grid.",
        discussion: """
            Grid: cell rnn, lstm, gru x hidden 32, 128, 512 x batch 1, 32; sequence length 50, input size 8, \
            a Dense head on the last step, MSE. Each point is the median of timed blocks after a warm-up. \
            Then the seed example: 100 epochs of LSTM(50, relu) -> Dropout(0.2) -> Dense(1) on 100 sequences. \
            Build with -c release: a debug build is 10-100x slower.
            """
    )

    @Flag(help: "Print one JSON object on standard output instead of the table.")
    var json = false

    @Flag(help: "Short timings (a smoke test, not a measurement).")
    var quick = false

    @Option(help: "Cells to measure (comma-separated; default rnn,lstm,gru, and lstm for --scaling).")
    var cells: String?

    @Option(help: "Hidden sizes to measure (comma-separated).")
    var hidden = "32,128,512"

    @Option(help: "Batch sizes to measure (comma-separated).")
    var batch = "1,32"

    @Option(name: .customLong("seq-len"), help: "Sequence lengths to measure (comma-separated).")
    var sequenceLengths = "50"

    @Option(help: "Recurrent layers of every model measured.")
    var layers = 1

    @Flag(help: "Skip the seed example.")
    var noSeed = false

    @Option(help: "Figures to compare with: a JSON file in the form `rnntop bench --json` writes (e.g. from a PyTorch script with the same grid), printed beside ours with the ratio.")
    var reference: String?

    @Flag(help: "Instead of the grid: what a session (snapshots at 30 Hz, probes) costs over bare training.")
    var sessionOverhead = false

    @Flag(help: "Instead of the grid: what a run log at the default interval costs a session.")
    var logOverhead = false

    @Flag(help: "Instead of the grid: the time to draw one dashboard frame of a long run, at 80x24 and 200x60.")
    var frameTime = false

    @Flag(help: "Instead of the grid: the runs of a comparison trained side by side (taking the cores in turns) against one after another.")
    var compare = false

    @Flag(help: "Instead of the grid: time and peak memory of LSTM batch 32 as the sequence length grows (hidden 128; all steps backpropagated, and truncated) and as the hidden size grows (50 steps).")
    var scaling = false

    @Option(name: .customLong("lengths"), help: "Sequence lengths for --scaling (comma-separated).")
    var scalingLengths = "50,200,1000,5000"

    @Option(name: .customLong("sizes"), help: "Hidden sizes for --scaling (comma-separated).")
    var scalingSizes = "256,512,1024,2048"

    @Option(help: "Window length of the truncated runs of --scaling.")
    var truncation = 100

    @Option(help: .hidden)
    var scalingPoint: String?

    func run() throws {
        if frameTime { return try measureFrameTime() }
        if sessionOverhead { return try measureSessionOverhead() }
        if logOverhead { return try measureLogOverhead() }
        if compare { return try measureComparison() }
        if let scalingPoint { return try measureScalingPoint(scalingPoint) }
        if scaling { return try measureScaling() }
        let cellKinds = try parseList(cells ?? "rnn,lstm,gru", option: "--cells") { CellKind(rawValue: $0) }
        let hiddenSizes = try parseList(hidden, option: "--hidden") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let batchSizes = try parseList(batch, option: "--batch") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let lengths = try parseList(sequenceLengths, option: "--seq-len") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let referenceFigures = try reference.map(ReferenceFigures.init(path:))
        let timing = quick ? BenchTiming.quick : BenchTiming.full
        let machine = MachineInfo.current()
        if !json {
            print("rnntop bench: \(machine.cpu), \(machine.cores) cores, kernels \(machine.kernels), OpenBLAS \(machine.openblasCore)")
            print(header(withReference: referenceFigures != nil))
        }
        var results = [BenchResult]()
        for cell in cellKinds {
            for h in hiddenSizes {
                for (b, t) in batchSizes.flatMap({ b in lengths.map { (b, $0) } }) {
                    let point = ThroughputBenchmark(cell: cell, hidden: h, batch: b, steps: t, layers: layers)
                    let seconds = median(try point.measure(timing))
                    let result = BenchResult(
                        cell: cell.rawValue, hidden: h, batch: b, steps: t, layers: layers,
                        trainSequencesPerSecond: Double(b) / seconds, trainMillisecondsPerStep: seconds * 1000)
                    results.append(result)
                    if !json { print(row(result, reference: referenceFigures)) }
                }
            }
        }
        var seedMilliseconds: Double?
        var seedLoss: Double?
        if !noSeed {
            let runs = quick ? 1 : 3
            _ = try SeedExampleBenchmark().run(seed: 100)  // warm-up
            let measured = try (0..<runs).map { try SeedExampleBenchmark().run(seed: UInt64($0)) }
            seedMilliseconds = median(measured.map(\.seconds)) * 1000
            seedLoss = median(measured.map(\.finalLoss))
            if !json {
                print(
                    String(
                        format: "seed example (LSTM(50, relu) -> Dropout 0.2 -> Dense 1, 100 epochs): %.1f ms, final loss %.4f",
                        seedMilliseconds!, seedLoss!))
            }
        }
        if json {
            let report = BenchReport(
                results: results, seedExampleMilliseconds: seedMilliseconds, seedExampleFinalLoss: seedLoss,
                machine: machine)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    private func measureFrameTime() throws {
        let steps = quick ? 20_000 : 200_000
        print("dashboard frame time: a run of \(steps) steps (GRU(8) on sine), DashboardScreen.render alone")
        print("size      view               median ms   worst ms")
        for r in try FrameTimeBenchmark(steps: steps, frames: quick ? 5 : 40).measure() {
            let view = r.view.padding(toLength: 18, withPad: " ", startingAt: 0)
            print(String(format: "%3dx%-3d   ", r.width, r.height) + view + String(format: " %9.2f %10.2f", r.median, r.worst))
        }
    }

    private func measureSessionOverhead() throws {
        let seconds = quick ? 0.3 : 1.5
        print("session overhead: the adding task trained bare and in a session publishing 30 snapshots a second")
        print("cell     H    B   bare steps/s   session steps/s   cost")
        for (cell, hidden, batch) in [(CellKind.lstm, 32, 32), (.lstm, 128, 32), (.gru, 32, 1), (.rnn, 128, 8)] {
            let (bare, session) = try SessionOverheadBenchmark(cell: cell, hidden: hidden, batch: batch, seconds: seconds).measure()
            print(
                String(
                    format: "%-5@ %4d %4d %14.1f %17.1f %5.1f%%", cell.rawValue as NSString, hidden, batch, bare, session,
                    100 * (1 - session / bare)))
        }
    }

    private func measureLogOverhead() throws {
        let (seconds, pairs) = quick ? (0.3, 1) : (3.0, 5)
        print("run log overhead: the adding task in a session without and with --log (default interval), \(pairs) pairs")
        print("cell     H    B   steps/s   with log   cost    log bytes")
        for (cell, hidden, batch) in [(CellKind.lstm, 64, 32), (.lstm, 32, 32), (.gru, 8, 1), (.rnn, 128, 8)] {
            let (plain, logged, bytes) = try SessionOverheadBenchmark(cell: cell, hidden: hidden, batch: batch, seconds: seconds)
                .measureLog(pairs: pairs)
            print(
                String(
                    format: "%-5@ %4d %4d %9.1f %10.1f %5.1f%% %12d", cell.rawValue as NSString, hidden, batch, plain, logged,
                    100 * (1 - logged / plain), bytes))
        }
    }

    private func measureComparison() throws {
        // This machine's noise is some 10% on a window of a few seconds: five rounds.
        let rounds = quick ? 1 : 5
        print("side by side: a comparison's runs in sessions taking the cores in turns; each run's steps counted at its rate alone")
        print("(adding task, T=50, snapshots and probes, no validation; \(rounds) round\(rounds == 1 ? "" : "s"), medians)")
        print("comparison                          alone steps/s          throughput kept")
        for comparison in CompareBenchmark.cases(quick: quick) {
            let (alone, kept) = try CompareBenchmark(comparison: comparison, rounds: rounds).measure()
            let rates = alone.map { String(format: "%.1f", $0) }.joined(separator: ", ")
            print(
                comparison.title.padding(toLength: 36, withPad: " ", startingAt: 0) + rates.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %6.1f%%", 100 * kept))
        }
    }

    func parseList<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
        try text.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = parse(trimmed) else {
                throw ValidationError("\(option): cannot use '\(trimmed)'")
            }
            return value
        }
    }

    private func header(withReference: Bool) -> String {
        let base = "cell       L     H    B      T   ms/step      seq/s"
        return withReference ? base + "   ref seq/s   ratio" : base
    }

    private func row(_ r: BenchResult, reference: ReferenceFigures?) -> String {
        var line = r.cell.padding(toLength: 8, withPad: " ", startingAt: 0) + String(
            format: " %2d %5d %4d %6d %9.3f %10.1f", r.layers, r.hidden, r.batch, r.steps,
            r.trainMillisecondsPerStep, r.trainSequencesPerSecond)
        if let reference, let theirs = reference.sequencesPerSecond(of: r) {
            line += String(format: " %11.1f %6.2fx", theirs, r.trainSequencesPerSecond / theirs)
        }
        return line
    }
}

struct BenchResult: Encodable {
    let cell: String
    let hidden: Int
    let batch: Int
    /// Time steps of a sequence, and recurrent layers.
    let steps: Int
    let layers: Int
    let trainSequencesPerSecond: Double
    let trainMillisecondsPerStep: Double

    enum CodingKeys: String, CodingKey {
        case cell, hidden, batch, steps, layers
        case trainSequencesPerSecond = "train_seq_per_s"
        case trainMillisecondsPerStep = "train_ms_per_step"
    }
}

struct BenchReport: Encodable {
    let results: [BenchResult]
    let seedExampleMilliseconds: Double?
    let seedExampleFinalLoss: Double?
    let machine: MachineInfo

    enum CodingKeys: String, CodingKey {
        case results, machine
        case seedExampleMilliseconds = "seed_example_ms"
        case seedExampleFinalLoss = "seed_example_final_loss"
    }
}

/// Training figures from another run or framework, in the bench's JSON form
/// (`results` with cell, hidden, batch, train_seq_per_s; cells in any case).
struct ReferenceFigures {
    private var figures: [String: Double] = [:]

    init(path: String) throws(InputError) {
        let root = try JSONField.load(path)
        for entry in try root["results"].elements() {
            let cell = try entry["cell"].string().lowercased()
            // Files from before lengths and layers were measured: 50 steps, one layer.
            let steps = try entry.optional("steps")?.int() ?? 50, layers = try entry.optional("layers")?.int() ?? 1
            let key = "\(cell)/\(try entry["hidden"].int())/\(try entry["batch"].int())/\(steps)/\(layers)"
            figures[key] = try entry["train_seq_per_s"].number()
        }
    }

    func sequencesPerSecond(of result: BenchResult) -> Double? {
        figures["\(result.cell)/\(result.hidden)/\(result.batch)/\(result.steps)/\(result.layers)"]
    }
}

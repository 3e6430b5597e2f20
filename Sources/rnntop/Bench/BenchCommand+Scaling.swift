import ArgumentParser
import Foundation
import RNNCore

/// `rnntop bench --scaling`: how time and memory grow with the sequence length
/// (backpropagation through all of it, and truncated) and with the hidden size. Each
/// point runs in a process of its own, so that its peak memory is its own.
extension BenchCommand {
    func measureScaling() throws {
        let lengths = try parseList(scalingLengths, option: "--lengths") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let sizes = try parseList(scalingSizes, option: "--sizes") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        guard truncation > 0 else { throw ValidationError("--truncation: must be at least 1") }
        let kinds = try parseList(cells ?? "lstm", option: "--cells") { CellKind(rawValue: $0) }
        guard kinds.count == 1, let cell = kinds.first else { throw ValidationError("--cells: --scaling measures one cell") }
        let machine = MachineInfo.current()
        let batch = ScalingPoint.batch, hidden = ScalingPoint.hidden
        print("rnntop bench --scaling: \(machine.cpu), \(machine.cores) cores, kernels \(machine.kernels)")
        print("\(cell.displayName), batch \(batch), input 8, a Dense head on the last step of each pass, MSE, Adam; the median of")
        print("repeated runs. ms: one batch of whole sequences; µs/step: per time step; peak MB: the most the")
        print("process held at once, over what it held before the model; bytes/BTH: peak bytes / (batch·steps·hidden).")

        print("\nSequence length, hidden \(hidden): all steps backpropagated, and windows of \(truncation) steps")
        print("     T │   full: ms   µs/step   peak MB  bytes/BTH │ truncated: ms   µs/step   peak MB")
        for steps in lengths {
            let full = try measure(ScalingPoint(cell: cell, hidden: hidden, steps: steps, window: nil))
            let cut = try measure(ScalingPoint(cell: cell, hidden: hidden, steps: steps, window: truncation))
            let units = Double(batch * steps * hidden)
            print(
                String(
                    format: "%6d │ %10.1f %9.2f %@ %@ │ %13.1f %9.2f %@", steps, full.seconds * 1000,
                    full.seconds * 1e6 / Double(steps), megabytes(full.peakBytes), perUnit(full.peakBytes, units),
                    cut.seconds * 1000, cut.seconds * 1e6 / Double(steps), megabytes(cut.peakBytes)))
        }

        let steps = ScalingPoint.steps
        let gates = cell.gateCount, recurrent = cell.isLinearRecurrence ? 0 : 1
        print(
            "\nHidden size, \(steps) steps, all backpropagated (GFLOP/s counts the gate products, 3·2·B·T·\(gates)H·"
                + (recurrent == 1 ? "(8+H))" : "8: no H×H product)"))
        print("     H │       ms   µs/step   peak MB  bytes/BTH   GFLOP/s")
        for size in sizes {
            let run = try measure(ScalingPoint(cell: cell, hidden: size, steps: steps, window: nil))
            let flops = 3 * 2 * Double(batch * steps * gates * size * (ThroughputBenchmark.inputSize + recurrent * size))
            print(
                String(
                    format: "%6d │ %8.1f %9.2f %@ %@ %9.1f", size, run.seconds * 1000, run.seconds * 1e6 / Double(steps),
                    megabytes(run.peakBytes), perUnit(run.peakBytes, Double(batch * steps * size)),
                    flops / run.seconds / 1e9))
        }
    }

    /// Measures one point in a new rnntop process (`bench --scaling-point`) and reads
    /// back its figures.
    private func measure(_ point: ScalingPoint) throws -> (seconds: Double, peakBytes: Int?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["bench", "--scaling-point", point.argument] + (quick ? ["--quick"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let figures = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let seconds = figures["seconds"] as? Double
        else {
            printError("bench --scaling: the point \(point.argument) (cell, hidden, steps, window) failed")
            throw ExitCode(process.terminationStatus == 0 ? 1 : process.terminationStatus)
        }
        return (seconds, figures["peak_bytes"] as? Int)
    }

    /// The child's side: measures `point` and prints its figures as JSON.
    func measureScalingPoint(_ argument: String) throws {
        guard let point = ScalingPoint(argument: argument) else {
            throw ValidationError("--scaling-point: cannot use '\(argument)'")
        }
        let run = try ScalingBenchmark(
            cell: point.cell, hidden: point.hidden, batch: ScalingPoint.batch, steps: point.steps, window: point.window
        ).measure(seconds: quick ? 0.05 : 1.0)
        let peak = run.peakBytes.map { ", \"peak_bytes\": \($0)" } ?? ""
        print("{\"seconds\": \(run.seconds)\(peak)}")
    }

    private func megabytes(_ bytes: Int?) -> NSString {
        padded(bytes.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "n/a", 9)
    }

    private func perUnit(_ bytes: Int?, _ units: Double) -> NSString {
        padded(bytes.map { String(format: "%.0f", Double($0) / units) } ?? "n/a", 10)
    }

    private func padded(_ text: String, _ width: Int) -> NSString {
        (String(repeating: " ", count: max(0, width - text.count)) + text) as NSString
    }
}

/// One point of `bench --scaling`: LSTM batch 32 at a hidden size and sequence
/// length, backpropagated through all steps or through windows of `window`.
struct ScalingPoint {
    static let batch = 32
    static let hidden = 128
    static let steps = 50

    let cell: CellKind
    let hidden: Int
    let steps: Int
    let window: Int?

    init(cell: CellKind, hidden: Int, steps: Int, window: Int?) {
        self.cell = cell
        self.hidden = hidden
        self.steps = steps
        self.window = window
    }

    /// "CELL,HIDDEN,STEPS,WINDOW" with WINDOW 0 for all steps.
    init?(argument: String) {
        let fields = argument.split(separator: ",")
        guard fields.count == 4, let cell = CellKind(rawValue: String(fields[0])) else { return nil }
        let parts = fields.dropFirst().compactMap { Int($0) }
        guard parts.count == 3, parts[0] > 0, parts[1] > 0, parts[2] >= 0 else { return nil }
        self.init(cell: cell, hidden: parts[0], steps: parts[1], window: parts[2] == 0 ? nil : parts[2])
    }

    var argument: String { "\(cell.rawValue),\(hidden),\(steps),\(window ?? 0)" }
}

import Foundation
import RNNCore
import RNNData

/// Where and how often a session writes its run log (the format is in README.md,
/// "Run logs").
public struct RunLogOptions: Sendable {
    /// The JSON Lines log.
    public var path: String?
    /// The scalar columns as CSV, a row per logged step.
    public var csvPath: String?
    /// A step record every this many steps; nil for `RunLogWriter.defaultInterval`.
    public var every: Int?
    /// The program and its version, for the run record.
    public var program: String
    /// Add to existing files instead of starting them afresh: a resumed run goes on
    /// in the log of the run it continues.
    public var append: Bool
    /// The run's name within a comparison (`lstm`, `lr=1e-2`), for the run record.
    public var name: String?
    /// The run's place within a comparison, for the run record.
    public var comparison: ComparisonPlace?

    public init(
        path: String?, csvPath: String? = nil, every: Int? = nil, program: String, append: Bool = false, name: String? = nil,
        comparison: ComparisonPlace? = nil
    ) {
        self.name = name
        self.comparison = comparison
        self.path = path
        self.csvPath = csvPath
        self.every = every
        self.program = program
        self.append = append
    }
}

/// Writes a session's run log as it trains: JSON Lines, one record per line, and
/// optionally the scalars as CSV. Lines are written whole (buffered, then written in
/// one call at line boundaries), so a process killed at any moment leaves a log that
/// reads up to its last line. The buffer goes out at least twice a second, at once
/// after an event, and at the end. Used on the session's queue only.
final class RunLogWriter {
    /// The log format's version; a reader refuses logs from a later one.
    static let schema = 1

    private let json: LineFile?
    private let csv: LineFile?
    private let every: Int?
    private var lastFlush = 0.0
    private var lastLogged = (elapsed: 0.0, sequences: 0)
    /// The steps since the last step record, summarised.
    private var span = StepSpanAccumulator()
    /// The step of the last resource use written, so each measurement goes out once.
    private var lastResourceStep: Int?
    /// The step of the last gradient profile written.
    private(set) var lastDetailStep: Int?

    /// Opens the files: creates or empties them, or with `append` goes on after their
    /// last whole line. A path that cannot be written is bad input.
    init(_ options: RunLogOptions) throws {
        if let every = options.every, every < 1 {
            throw ConfigError(setting: "log-every", problem: "must be at least 1 (got \(every))")
        }
        json = try options.path.map { path throws(InputError) in try LineFile(path: path, flag: "log", role: "run log", append: options.append) }
        csv = try options.csvPath.map { path throws(InputError) in try LineFile(path: path, flag: "csv", role: "CSV", append: options.append) }
        every = options.every
        if csv?.continuing == false {
            csv?.write(Array("step,epoch,loss,val_loss,lr,grad_norm,clipped,batch,seq_per_s,elapsed\n".utf8))
        }
    }

    /// Steps between step records when none is given: every step to 1,000, every 10
    /// to 10,000, then every 100, so early learning is seen in detail and a million
    /// steps take about 2 MB.
    static func defaultInterval(at step: Int) -> Int {
        step <= 1000 ? 1 : step <= 10_000 ? 10 : 100
    }

    /// Whether `step` gets a step record (steps with a validation always do).
    func stepDue(_ step: Int, validated: Bool) -> Bool {
        validated || step % (every ?? Self.defaultInterval(at: step)) == 0
    }

    /// Whether `step` gets the gradient profile and the parameter norms: every 10
    /// steps to 1,000, every 100 to 10,000, then every 500.
    func detailDue(_ step: Int) -> Bool {
        step == 1 || step % (step <= 1000 ? 10 : step <= 10_000 ? 100 : 500) == 0
    }

    /// Whether `step` gets the probe's matrices: at 1, 2, 5, 10, 20, 50, ... (a probe
    /// is large, and early steps change most).
    func probeDue(_ step: Int) -> Bool {
        var decade = 1
        while decade * 10 <= step { decade *= 10 }
        return step == decade || step == 2 * decade || step == 5 * decade
    }

    // MARK: Records

    /// The run record; a log that goes on (a resumed run appending) has one already,
    /// and gets the resume event instead. A CSV that goes on loses the rows after the
    /// step the run resumes from, which the resumed run writes again.
    func begin(_ info: RecordedRun.Header) {
        csv?.keepRows(throughStep: info.startStep)
        guard json?.continuing == false else { return }
        var line = JSONLine(type: .run)
        line.field("schema", Self.schema)
        line.field("program", info.program)
        if let name = info.name { line.field("name", name) }
        if let comparison = info.comparison { line.field("comparison", json: "{\"run\":\(comparison.run),\"runs\":\(comparison.runs)}") }
        line.field("start", ISO8601DateFormatter().string(from: Date()))
        line.field("seed", info.settings.seed)
        line.field("settings", json: Self.encode(SettingsRecord(info.settings)))
        line.field("task", json: Self.encode(TaskRecord(summary: info.taskSummary, baseline: info.baseline)))
        line.field("model", json: Self.encode(info.model))
        line.field("parameters", info.parameterCount)
        line.field("parameter_names", json: Self.encode(info.parameterNames))
        line.field("step", info.startStep)
        line.field("steps_per_epoch", info.stepsPerEpoch)
        line.field("total_steps", info.totalSteps)
        if let every { line.field("log_every", every) } else { line.field("log_every", "auto") }
        write(&line)
        flush(now: 0)
    }

    /// Notes a step; writes its record when it is `due`. A record that stands for
    /// several steps (those since the last record) carries their loss's and gradient
    /// norm's minimum, maximum and mean; one after a new measurement of what the
    /// process costs carries that.
    func step(_ record: StepRecord, due: Bool, resources: ResourceUse?) {
        span.add(loss: record.loss, gradientNorm: record.gradientNorm)
        guard due else { return }
        let seconds = record.elapsed - lastLogged.elapsed
        let rate = seconds > 0 ? Double(record.sequences - lastLogged.sequences) / seconds : 0
        lastLogged = (record.elapsed, record.sequences)
        // The keys as the reader knows them (`StepScanner.Fields.Key`): one list for both.
        typealias Key = StepScanner.Fields.Key
        var line = JSONLine(type: .step)
        line.field(Key.step.name, record.step)
        line.field(Key.epoch.name, Self.rounded(record.epochs, digits: 4))
        line.field(Key.loss.name, Float(record.loss))
        line.field(Key.learningRate.name, record.learningRate)
        line.field(Key.gradientNorm.name, Float(record.gradientNorm))
        line.field(Key.clipped.name, record.clipped)
        line.field(Key.batch.name, record.batchSize)
        line.field(Key.sequencesPerSecond.name, rate.rounded())
        line.field(Key.elapsed.name, Self.rounded(record.elapsed, digits: 3))
        if let accuracy = record.accuracy { line.field(Key.accuracy.name, Float(accuracy)) }
        if let (loss, gradientNorm) = span.take() {
            line.field(Key.steps.name, loss.steps)
            let summaries: [(MetricHistory.Span, Key, Key, Key)] = [
                (loss, .lossMinimum, .lossMaximum, .lossMean), (gradientNorm, .gradientNormMinimum, .gradientNormMaximum, .gradientNormMean),
            ]
            for (span, minimum, maximum, mean) in summaries {
                line.field(minimum.name, Float(span.minimum))
                line.field(maximum.name, Float(span.maximum))
                line.field(mean.name, Float(span.mean))
            }
        }
        if let resources, resources.step != lastResourceStep {
            lastResourceStep = resources.step
            line.field(Key.cpuPercent.name, Self.rounded(resources.cpuPercent, digits: 1))
            if let bytes = resources.residentBytes { line.field(Key.residentBytes.name, Int(bytes)) }
        }
        write(&line)
        if let csv {
            let validation = record.validationLoss.map { "\(Float($0))" } ?? ""
            let columns: [String] = [
                "\(record.step)", "\(Self.rounded(record.epochs, digits: 4))", "\(Float(record.loss))", validation,
                "\(record.learningRate)", "\(Float(record.gradientNorm))", record.clipped ? "1" : "0", "\(record.batchSize)",
                "\(Int(rate.rounded()))", "\(Self.rounded(record.elapsed, digits: 3))",
            ]
            csv.write(Array((columns.joined(separator: ",") + "\n").utf8))
        }
        if record.elapsed - lastFlush >= 0.5 { flush(now: record.elapsed) }
    }

    /// A validation's record: its loss and, for a classifier, its accuracy.
    func evaluation(step: Int, loss: Double, accuracy: Double?) {
        var line = JSONLine(type: .eval)
        line.field("step", step)
        line.field("loss", Float(loss))
        if let accuracy { line.field("accuracy", Float(accuracy)) }
        write(&line)
    }

    /// ‖∂L/∂h_t‖ per layer and time step, to float32's precision (other programs'
    /// profiles are compared with these to 1e-4).
    func gradientProfile(step: Int, profile: [[Double]]) {
        lastDetailStep = step
        var line = JSONLine(type: .gradientProfile)
        line.field("step", step)
        line.key("layers")
        line.array(profile) { line, layer in line.array(layer) { $0.number(Float($1)) } }
        write(&line)
    }

    /// Each parameter tensor's gradient norm (before clipping) and weight norm.
    func parameterNorms(step: Int, gradient: [Double], weight: [Double]) {
        var line = JSONLine(type: .parameterNorms)
        line.field("step", step)
        line.field("grad", gradient)
        line.field("weight", weight)
        write(&line)
    }

    /// The probe sequence's matrices, units × steps, row-major, four digits.
    func probe(step: Int, report: ProbeReport) {
        func matrix(_ line: inout JSONLine, _ key: String, _ m: UnitMatrix) {
            line.key(key)
            line.raw("{\"units\":\(m.units),\"steps\":\(m.steps)")
            line.key("values")
            line.array(m.values) { $0.fourDigits(Double($1)) }
            line.raw("}")
        }
        var line = JSONLine(type: .probe)
        line.field("step", step)
        line.field("loss", Float(report.loss))
        line.key("layers")
        line.array(report.hidden.indices) { line, layer in
            line.raw("{\"layer\":\(layer)")
            matrix(&line, "h", report.hidden[layer])
            if layer < report.cell.count { matrix(&line, "c", report.cell[layer]) }
            matrix(&line, "dh", report.hiddenGradients[layer])
            if layer < report.decays.count { matrix(&line, "decay", report.decays[layer]) }
            line.key("gates")
            line.array(layer < report.gates.count ? report.gates[layer] : []) { line, gate in
                line.raw("{\"name\":")
                line.string(gate.name)
                line.field("saturation", Self.rounded(gate.saturation, digits: 4))
                matrix(&line, "activations", gate.activations)
                line.raw("}")
            }
            line.raw("}")
        }
        write(&line)
    }

    /// Text a character model generated (control characters already escaped).
    func sample(step: Int, text: String) {
        var line = JSONLine(type: .sample)
        line.field("step", step)
        line.field("text", text)
        write(&line)
    }

    /// A command applied or refused, or something that happened (a divergence, the
    /// end of the run). A new model's configuration comes with a `model` event.
    func event(_ event: Event, model: ModelConfig?, parameterNames: [String]?) {
        var line = JSONLine(type: event.kind == .checkpoint && event.applied ? .checkpoint : .event)
        line.field("step", event.step)
        line.field("name", event.name)
        line.field("old", event.oldValue)
        line.field("new", event.newValue)
        line.field("message", event.message)
        line.field("source", event.source.rawValue)
        line.field("applied", event.applied)
        line.field("time", Self.rounded(event.time, digits: 3))
        if let model { line.field("model", json: Self.encode(model)) }
        if let parameterNames { line.field("parameter_names", json: Self.encode(parameterNames)) }
        write(&line)
        flush(now: event.time)
    }

    /// The last record, then everything out and synced.
    /// The last record: how and where the run ended, the training loss as the mean
    /// of its last `loss.steps` steps, the last validation loss.
    func end(
        reason: String, step: Int, epochs: Double, loss: (value: Double, steps: Int)?, validationLoss: Double?, elapsed: Double
    ) {
        var line = JSONLine(type: .end)
        line.field("reason", reason)
        line.field("step", step)
        line.field("epoch", Self.rounded(epochs, digits: 4))
        if let loss {
            line.field("loss", Float(loss.value))
            line.field("loss_steps", loss.steps)
        }
        if let validationLoss { line.field("val_loss", Float(validationLoss)) }
        line.field("elapsed", Self.rounded(elapsed, digits: 3))
        write(&line)
        json?.close()
        csv?.close()
    }

    /// Finishes a record and adds it to the log.
    private func write(_ line: inout JSONLine) {
        line.finish()
        json?.write(line.bytes)
    }

    func flush(now: Double) {
        json?.flush()
        csv?.flush()
        lastFlush = now
    }

    /// Writes that failed since the last call, a sentence each (each file's first
    /// failure, once): the session reports them at once.
    func takeFailures() -> [String] {
        [json?.takeFailure(), csv?.takeFailure()].compactMap { $0 }
    }

    // MARK: Helpers

    private struct TaskRecord: Encodable {
        let summary: String
        let baseline: Baseline
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Encoding our own settings cannot fail: they hold strings, numbers and enums.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private static func rounded(_ value: Double, digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}

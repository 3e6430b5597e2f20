import Foundation
import RNNCore
import RNNData

/// Reads a run log into a `RecordedRun`, in chunks, so that a log of millions of
/// steps opens in bounded memory and a log that another process is writing can be
/// followed: `update()` reads whatever was appended since the last call.
///
/// Step records, which are most of a log, are read by a small scanner of their flat
/// objects; the rarer records go through JSONSerialization. Records of a type this
/// reader does not know are skipped (other programs may add their own); a log from a
/// later schema is refused.
public final class RunLogReader {
    public let path: String
    /// The run so far; nil until the run record has been read.
    public private(set) var run: RecordedRun?
    /// Things the user should know that do not stop the replay.
    public private(set) var notes: [String] = []

    private let descriptor: Int32
    /// Where `read` puts each chunk: allocated once, as a followed log is polled often.
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private var pending: [UInt8] = []
    private var lineNumber = 0

    /// Opens a log; a missing or unreadable file is refused here.
    public init(path: String) throws(InputError) {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputError(file: path, problem: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw InputError(file: path, problem: "is a folder, not a run log") }
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputError(file: path, problem: "cannot be read: \(String(cString: strerror(errno)))") }
    }

    deinit { close(descriptor) }

    /// Reads the lines appended since the last call. Returns whether the run changed.
    @discardableResult
    public func update() throws(InputError) -> Bool {
        var changed = false
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: chunk[..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                if newline > start { try parse(pending[start..<newline]) }
                start = newline + 1
                changed = true
            }
            pending.removeSubrange(0..<start)
        }
        return changed
    }

    /// Ends reading a log that will not grow: a last line without its newline (a
    /// run killed while writing) is read if it is whole and noted if not. An empty
    /// log, or one without a run record, is refused.
    public func finish() throws(InputError) {
        if !pending.isEmpty {
            lineNumber += 1
            let last = pending
            pending = []
            if (try? JSONSerialization.jsonObject(with: Data(last))) != nil {
                try parse(last[...])
            } else {
                notes.append("\(path): line \(lineNumber) is cut short (the run was stopped while writing it); the log is read up to line \(lineNumber - 1)")
            }
        }
        guard run != nil else {
            throw InputError(file: path, problem: lineNumber == 0 ? "is empty: not a run log" : "has no run record: not a run log")
        }
    }

    // MARK: Records

    private func parse(_ line: ArraySlice<UInt8>) throws(InputError) {
        // rnntop's own step records take the fast way; any other spelling (spaces, key
        // order, nested values) the general one.
        if run != nil, line.starts(with: Self.stepPrefix), parseStep(line) { return }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            throw problem(run == nil ? "not a run log: the first line is not a JSON object" : "not JSON")
        }
        guard let type = object["type"] as? String else { throw problem("a record without a \"type\"") }
        guard var recorded = run else {
            guard type == "run" else { throw problem("not a run log: the first record is \"\(type)\", not \"run\"") }
            run = RecordedRun(header: try header(object))
            return
        }
        run = nil  // no copy of the columns while `recorded` changes
        defer { run = recorded }
        let step = object["step"] as? Int ?? 0
        switch type {
        case "step":
            guard let step = object["step"] as? Int else { throw problem("a step record without a whole \"step\"") }
            recorded.appendStep(
                step, epoch: Self.number(object["epoch"]), loss: Self.number(object["loss"]), learningRate: Self.number(object["lr"]),
                gradientNorm: Self.number(object["grad_norm"]), clipped: object["clipped"] as? Bool ?? false,
                batchSize: object["batch"] as? Int ?? 0, sequencesPerSecond: Self.number(object["seq_per_s"]),
                elapsed: Self.number(object["elapsed"]))
        case "eval":
            recorded.evaluations.append((step, Self.number(object["loss"])))
        case "grad_profile":
            guard let layers = object["layers"] as? [[Any]] else { throw problem("a grad_profile without \"layers\"") }
            recorded.gradientProfiles.append((step, layers.map { $0.map(Self.number) }))
        case "param_norms":
            let gradient = (object["grad"] as? [Any] ?? []).map(Self.number), weight = (object["weight"] as? [Any] ?? []).map(Self.number)
            recorded.parameterNorms.append((step, gradient, weight))
        case "probe":
            recorded.probes.append((step, try probe(object)))
        case "sample":
            recorded.samples.append((step, object["text"] as? String ?? ""))
        case "event", "checkpoint":
            let event = event(object, step: step, checkpoint: type == "checkpoint")
            // A resumed run appending to its log: it goes on from the checkpoint's step.
            if event.kind == .resume, event.source == .program, let from = event.newValue.flatMap(Int.init) {
                recorded.rewind(keepingThrough: from)
            }
            recorded.events.append(event)
            if let model = object["model"], let config = try? Self.decode(ModelConfig.self, model) {
                let names = object["parameter_names"] as? [String] ?? []
                recorded.models.append((step, config, names))
            }
        case "end":
            recorded.ending = RecordedRun.Ending(reason: object["reason"] as? String ?? "", step: step)
        case "run":
            throw problem("a second run record: one log holds one run")
        default:
            break
        }
    }

    /// The run record. Only `schema` is required: a log from another program may
    /// give a plain model (`{"cell": "lstm", "hidden": 32}`) and leave out rnntop's
    /// settings, the task and the baseline, which then show as unknown.
    private func header(_ object: [String: Any]) throws(InputError) -> RecordedRun.Header {
        guard let schema = object["schema"] as? Int else { throw problem("the run record has no \"schema\" version") }
        guard schema <= RunLogWriter.schema else {
            throw problem("written with log schema \(schema); this rnntop reads schema \(RunLogWriter.schema) and older: use a newer rnntop")
        }
        let task = object["task"] as? [String: Any] ?? [:]
        let model = (try? Self.decode(ModelConfig.self, object["model"] as Any)) ?? Self.plainModel(object["model"] as? [String: Any] ?? [:])
        let totalSteps = object["total_steps"] as? Int ?? 0
        // The documented shape; the derived coding that rnntop 0.7 wrote; else the model's.
        let record = try? Self.decode(SettingsRecord.self, object["settings"] as Any)
        let rnntopSettings = try? Self.decode(RunSettings.self, object["settings"] as Any)
        let settings = rnntopSettings ?? (record ?? SettingsRecord.empty).settings(model: model, totalSteps: totalSteps)
        let summary = task["summary"] as? String ?? ""
        // What the log leaves out shows as unknown, not as the stand-ins above.
        var missing: Set<String> = []
        if object["parameters"] as? Int == nil { missing.insert("parameters") }
        if rnntopSettings == nil { missing.formUnion((record ?? .empty).missing) }
        if object["seed"] as? Int != nil { missing.remove("seed") }
        return RecordedRun.Header(
            program: object["program"] as? String ?? "unknown",
            settings: settings, taskName: Self.ownTaskName(record, rnntopSettings: rnntopSettings, summary: summary),
            optimizerName: record?.optimizerName, model: model,
            parameterNames: object["parameter_names"] as? [String] ?? [],
            parameterCount: object["parameters"] as? Int ?? 0,
            taskSummary: summary,
            baseline: (try? Self.decode(Baseline.self, task["baseline"] as Any)) ?? Baseline(loss: .nan, predictor: "unknown"),
            startStep: object["step"] as? Int ?? 0,
            stepsPerEpoch: max(object["steps_per_epoch"] as? Int ?? 1, 1),
            totalSteps: totalSteps, missing: missing)
    }

    /// The name a log gives its task when it is not one of rnntop's own (whose title
    /// comes from the settings: the task, its file and columns).
    private static func ownTaskName(_ record: SettingsRecord?, rnntopSettings: RunSettings?, summary: String) -> String? {
        guard rnntopSettings == nil, record?.task?.kind.flatMap(TaskKind.init(rawValue:)) == nil else { return nil }
        return (record ?? .empty).taskName(summary: summary)
    }

    /// A model from the few keys another program would write.
    private static func plainModel(_ keys: [String: Any]) -> ModelConfig {
        ModelConfig(
            cell: CellKind(rawValue: keys["cell"] as? String ?? "") ?? .lstm,
            activation: Activation(rawValue: keys["activation"] as? String ?? "") ?? .tanh,
            inputSize: keys["input"] as? Int ?? 1, hiddenSize: keys["hidden"] as? Int ?? keys["hiddenSize"] as? Int ?? 1,
            layers: keys["layers"] as? Int ?? 1)
    }

    private func probe(_ object: [String: Any]) throws(InputError) -> ProbeReport {
        func matrix(_ value: Any?) throws(InputError) -> UnitMatrix {
            guard let m = value as? [String: Any], let units = m["units"] as? Int, let steps = m["steps"] as? Int,
                let values = m["values"] as? [Any], values.count == units * steps
            else { throw problem("a probe matrix whose values do not fill units × steps") }
            return UnitMatrix(units: units, steps: steps, values: values.map { Float(Self.number($0)) })
        }
        var hidden: [UnitMatrix] = [], cell: [UnitMatrix] = [], gradients: [UnitMatrix] = [], gates: [[GateActivity]] = []
        for layer in object["layers"] as? [[String: Any]] ?? [] {
            hidden.append(try matrix(layer["h"]))
            if layer["c"] != nil { cell.append(try matrix(layer["c"])) }
            gradients.append(try matrix(layer["dh"]))
            var layerGates: [GateActivity] = []
            for gate in layer["gates"] as? [[String: Any]] ?? [] {
                layerGates.append(
                    GateActivity(
                        name: gate["name"] as? String ?? "?", activations: try matrix(gate["activations"]),
                        saturation: Self.number(gate["saturation"])))
            }
            gates.append(layerGates)
        }
        guard !hidden.isEmpty else { throw problem("a probe without layers") }
        return ProbeReport(hidden: hidden, cell: cell, gates: gates, hiddenGradients: gradients, predictions: [], loss: Self.number(object["loss"]))
    }

    private func event(_ object: [String: Any], step: Int, checkpoint: Bool) -> Event {
        Event(
            step: step, name: object["name"] as? String ?? (checkpoint ? "checkpoint" : "?"), oldValue: object["old"] as? String,
            newValue: object["new"] as? String, message: object["message"] as? String ?? "",
            source: CommandSource(rawValue: object["source"] as? String ?? "") ?? .program, time: Self.number(object["time"]),
            applied: object["applied"] as? Bool ?? true)
    }

    // MARK: The step scanner

    private static let stepPrefix = Array("{\"type\":\"step\"".utf8)

    /// Reads `{"type":"step","step":1,"loss":0.5,...}`: keys and plain values (numbers,
    /// booleans, and the strings "NaN", "Infinity" and "-Infinity"). Keys it does not
    /// know are skipped. No allocation per line: a million lines take well under a second.
    private func parseStep(_ line: ArraySlice<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.stepKeys.count) { values in
            values.initialize(repeating: .nan)
            guard Self.scanStep(line, into: values), run != nil else { return false }
            let step = values[0]
            guard step.isFinite, step == step.rounded() else { return false }
            run!.appendStep(
                Int(step), epoch: values[1], loss: values[2], learningRate: values[3], gradientNorm: values[4],
                clipped: values[5] == 1, batchSize: values[6].isNaN ? 0 : Int(values[6]), sequencesPerSecond: values[7],
                elapsed: values[8])
            return true
        }
    }

    /// Puts the values of the keys it knows into their slots; false when the line is
    /// not a flat object of plain values.
    private static func scanStep(_ line: ArraySlice<UInt8>, into values: UnsafeMutableBufferPointer<Double>) -> Bool {
        line.withUnsafeBufferPointer { bytes -> Bool in
            var i = stepPrefix.count
            while i < bytes.count, bytes[i] == UInt8(ascii: ",") {
                // ,"key":value
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") else { return false }
                let keyStart = i + 2
                var keyEnd = keyStart
                while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\"") { keyEnd += 1 }
                guard keyEnd + 1 < bytes.count, bytes[keyEnd + 1] == UInt8(ascii: ":") else { return false }
                let valueStart = keyEnd + 2
                var valueEnd = valueStart
                while valueEnd < bytes.count, bytes[valueEnd] != UInt8(ascii: ","), bytes[valueEnd] != UInt8(ascii: "}") { valueEnd += 1 }
                let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])
                if let slot = stepKeys.firstIndex(where: { $0.elementsEqual(key) }) {
                    guard let value = scalar(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])) else { return false }
                    values[slot] = value
                }
                i = valueEnd
            }
            return i < bytes.count && bytes[i] == UInt8(ascii: "}")
        }
    }

    /// The step record's keys, in the order of `parseStep`'s slots.
    private static let stepKeys: [[UInt8]] = ["step", "epoch", "loss", "lr", "grad_norm", "clipped", "batch", "seq_per_s", "elapsed"]
        .map { Array($0.utf8) }

    /// A number, true/false (1/0), or a quoted non-finite value.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let first = bytes.first, bytes.count < 40 else { return nil }
        switch first {
        case UInt8(ascii: "t"): return bytes.elementsEqual("true".utf8) ? 1 : nil
        case UInt8(ascii: "f"): return bytes.elementsEqual("false".utf8) ? 0 : nil
        case UInt8(ascii: "n"): return bytes.elementsEqual("null".utf8) ? .nan : nil
        case UInt8(ascii: "\""):
            if bytes.elementsEqual("\"NaN\"".utf8) { return .nan }
            if bytes.elementsEqual("\"Infinity\"".utf8) { return .infinity }
            if bytes.elementsEqual("\"-Infinity\"".utf8) { return -.infinity }
            return nil
        default:
            // strtod on a NUL-terminated copy; the whole value must be the number.
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 41) { buffer -> Double? in
                for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
                buffer[bytes.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(buffer.baseAddress!, &end)
                return end == buffer.baseAddress! + bytes.count ? value : nil
            }
        }
    }

    // MARK: Helpers

    private func problem(_ text: String) -> InputError {
        InputError(file: path, location: "line \(lineNumber)", problem: text)
    }

    /// A JSON number, or one of the strings the writer uses for non-finite values.
    private static func number(_ value: Any?) -> Double {
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return .nan
        }
    }

    private struct NotAnObject: Error {}

    private static func decode<T: Decodable>(_ type: T.Type, _ value: Any) throws -> T {
        // data(withJSONObject:) traps on anything but an array or a dictionary.
        guard JSONSerialization.isValidJSONObject(value) else { throw NotAnObject() }
        let data = try JSONSerialization.data(withJSONObject: value)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(T.self, from: data)
    }
}

import Foundation
import RNNCore
import RNNData

/// The rarer records, and the checks every number from a log goes through before it
/// becomes a step, a size or an index.
extension RunLogReader {
    /// Steps replay can hold: its step column is 32-bit (a run of 2^31 steps is
    /// days of training at the fastest rates).
    static let stepRange = 0...Int(Int32.max)
    /// Batch sizes and counts shown from a log.
    static let sizeRange = 0...Int(Int32.max)
    /// The steps a sampled step record stands for.
    static let spanRange = 1...Int(Int32.max)
    /// A step record's fields that are whole numbers, and their ranges.
    static let wholeNumberRanges: [StepScanner.Fields.Key: ClosedRange<Int>] = [.step: stepRange, .batch: sizeRange, .steps: spanRange]

    /// The run record. Only `schema` is required: a log from another program may
    /// give a plain model (`{"cell": "lstm", "hidden": 32}`) and leave out rnntop's
    /// settings, the task and the baseline, which then show as unknown. `line` is the
    /// record's bytes, from which rnntop's own types are decoded (`RunRecordParts`).
    func header(_ object: [String: Any], line: Data) throws(InputError) -> RecordedRun.Header {
        guard let schema = object["schema"] as? Int else { throw problem("the run record has no \"schema\" version") }
        guard schema <= RunLogWriter.schema else {
            throw problem("written with log schema \(schema); this rnntop reads schema \(RunLogWriter.schema) and older: use a newer rnntop")
        }
        let task = object["task"] as? [String: Any] ?? [:]
        let parts = (try? Self.decode(RunRecordParts.self, fromLine: line)) ?? RunRecordParts()
        let model = parts.model ?? Self.plainModel(object["model"] as? [String: Any] ?? [:])
        do throws(ConfigError) {
            try model.validate()
        } catch {
            throw problem("\(error)", field: "model")
        }
        let totalSteps = try wholeNumber(object["total_steps"], "total_steps", in: 0...Int.max) ?? 0
        let seed = try seedNumber(object["seed"])
        let parameterCount = try wholeNumber(object["parameters"], "parameters", in: 0...Int.max)
        // The documented shape; the derived coding that rnntop 0.7 wrote; else the model's.
        let record = parts.settingsRecord, rnntopSettings = parts.settings
        var settings = rnntopSettings ?? (record ?? SettingsRecord.empty).settings(model: model, totalSteps: totalSteps)
        if rnntopSettings == nil, record?.seed == nil, let seed { settings.seed = seed }
        let summary = task["summary"] as? String ?? ""
        // What the log leaves out shows as unknown, not as the stand-ins above.
        var missing: Set<String> = []
        if parameterCount == nil { missing.insert("parameters") }
        if rnntopSettings == nil { missing.formUnion((record ?? .empty).missing) }
        if seed != nil { missing.remove("seed") }
        if parts.model == nil, (object["model"] as? [String: Any])?["cell"] == nil { missing.insert("cell") }
        var header = RecordedRun.Header(
            program: object["program"] as? String ?? "unknown", name: (object["name"] as? String).flatMap { $0.isEmpty ? nil : $0 },
            settings: settings, taskName: Self.ownTaskName(record, rnntopSettings: rnntopSettings, summary: summary),
            optimizerName: record?.optimizerName, model: model,
            parameterNames: object["parameter_names"] as? [String] ?? [],
            parameterCount: parameterCount ?? 0,
            taskSummary: summary,
            baseline: parts.baseline ?? Baseline(loss: .nan, predictor: "unknown"),
            startStep: try stepNumber(object["step"]) ?? 0,
            stepsPerEpoch: try wholeNumber(object["steps_per_epoch"], "steps_per_epoch", in: 1...Int(Int32.max)) ?? 1,
            totalSteps: totalSteps, missing: missing, device: object["device"] as? String)
        header.comparison = try comparisonPlace(object["comparison"])
        return header
    }

    /// The run record's `comparison`, `{"run": 2, "runs": 3}`: the run's place among a
    /// comparison's runs; nil when the record has none.
    private func comparisonPlace(_ value: Any?) throws(InputError) -> ComparisonPlace? {
        guard let place = value as? [String: Any],
            let runs = try wholeNumber(place["runs"], "comparison.runs", in: 1...Int(Int32.max)),
            let run = try wholeNumber(place["run"], "comparison.run", in: 1...runs)
        else { return nil }
        return ComparisonPlace(run: run, of: runs)
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

    /// A model that replaced the first one (a `model` event, whose bytes are `line`),
    /// within the sizes rnntop trains.
    func modelConfig(line: Data, field: String) throws(InputError) -> ModelConfig {
        guard let decoded = try? Self.decode(ModelEventPart.self, fromLine: line), let model = decoded.model else {
            throw problem("not a model rnntop knows", field: field)
        }
        do throws(ConfigError) {
            try model.validate()
        } catch {
            throw problem("\(error)", field: field)
        }
        return model
    }

    /// A probe's matrices, which must fit the model they were taken from: a layer
    /// each, c_t for an LSTM, the cell's gates by name, a min cell's decays (when
    /// written). A log whose model names no cell (another program watching a module it
    /// cannot look inside) may hold only h_t and ∂L/∂h_t: the heatmap says what is
    /// missing.
    func probe(_ object: [String: Any], model: ModelConfig, cellKnown: Bool = true) throws(InputError) -> ProbeReport {
        let layers = object["layers"] as? [[String: Any]] ?? []
        guard layers.count == model.layers else {
            throw problem("a probe of \(layers.count) layers for a model of \(model.layers)", field: "layers")
        }
        var hidden: [UnitMatrix] = [], cell: [UnitMatrix] = [], gradients: [UnitMatrix] = [], gates: [[GateActivity]] = []
        var decays: [UnitMatrix] = []
        for layer in layers {
            hidden.append(try probeMatrix(layer["h"], "h"))
            gradients.append(try probeMatrix(layer["dh"], "dh"))
            if model.cell.hasCellState, cellKnown || layer["c"] != nil { cell.append(try probeMatrix(layer["c"], "c")) }
            if model.cell.isLinearRecurrence, layer["decay"] != nil { decays.append(try probeMatrix(layer["decay"], "decay")) }
            var layerGates: [GateActivity] = []
            for gate in layer["gates"] as? [[String: Any]] ?? [] {
                let name = gate["name"] as? String ?? "?"
                layerGates.append(
                    GateActivity(
                        name: name, activations: try probeMatrix(gate["activations"], "gates"),
                        saturation: try number(gate["saturation"], "saturation")))
            }
            guard (!cellKnown && layerGates.isEmpty) || layerGates.map(\.name) == model.cell.gateNames else {
                throw problem("a probe's gates are not the \(model.cell.displayName) cell's", field: "gates")
            }
            gates.append(layerGates)
        }
        guard cell.isEmpty || cell.count == layers.count, decays.isEmpty || decays.count == layers.count else {
            throw problem("a probe with c_t or decays in some layers only", field: cell.count == layers.count ? "decay" : "c")
        }
        return ProbeReport(
            hidden: hidden, cell: cell, gates: gates, hiddenGradients: gradients, decays: decays, predictions: [],
            loss: try number(object["loss"], "loss"))
    }

    /// One units × steps matrix of a probe, its size checked before it is used.
    private func probeMatrix(_ value: Any?, _ name: String) throws(InputError) -> UnitMatrix {
        guard let m = value as? [String: Any], let values = m["values"] as? [Any],
            let units = try wholeNumber(m["units"], "\(name).units", in: 1...Int(Int32.max)),
            let steps = try wholeNumber(m["steps"], "\(name).steps", in: 1...Int(Int32.max)),
            case let (count, overflow) = units.multipliedReportingOverflow(by: steps), !overflow, values.count == count
        else { throw problem("a probe matrix whose values do not fill units × steps", field: name) }
        return UnitMatrix(units: units, steps: steps, values: try numbers(values, "\(name).values").map(Float.init))
    }

    func event(_ object: [String: Any], step: Int, checkpoint: Bool) throws(InputError) -> Event {
        Event(
            step: step, name: object["name"] as? String ?? (checkpoint ? "checkpoint" : "?"), oldValue: object["old"] as? String,
            newValue: object["new"] as? String, message: object["message"] as? String ?? "",
            source: CommandSource(rawValue: object["source"] as? String ?? "") ?? .program, time: try number(object["time"], "time"),
            applied: object["applied"] as? Bool ?? true)
    }

    // MARK: Checked numbers

    /// A record's step, when it has one.
    func stepNumber(_ value: Any?) throws(InputError) -> Int? {
        try wholeNumber(value, "step", in: Self.stepRange)
    }

    /// A whole number in `range`, nil when the field is absent or null; anything
    /// else (a fraction, a string, a number out of range) is refused, naming the field.
    func wholeNumber(_ value: Any?, _ field: String, in range: ClosedRange<Int>) throws(InputError) -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        if let number = value as? NSNumber, let whole = (value as? Int) ?? Int(exactly: number.doubleValue) {
            guard range.contains(whole) else {
                throw problem("\(whole) is out of range (\(range.lowerBound) to \(range.upperBound))", field: field)
            }
            return whole
        }
        throw problem("\(Escaping.escape("\(value)")) is not a whole number from \(range.lowerBound) to \(range.upperBound)", field: field)
    }

    /// A seed: a whole number from 0 to 2^64 - 1, as rnntop, `torch.initial_seed()` and
    /// the schema have it (nil when absent).
    func seedNumber(_ value: Any?) throws(InputError) -> UInt64? {
        guard let value, !(value is NSNull) else { return nil }
        if let number = value as? NSNumber, let seed = UInt64(number.stringValue) { return seed }
        throw problem("\(Escaping.escape("\(value)")) is not a seed (a whole number from 0 to \(UInt64.max))", field: "seed")
    }

    /// A scanned value (NaN when absent) as a whole number in `range`.
    func wholeNumber(_ value: Double, _ field: String, in range: ClosedRange<Int>) throws(InputError) -> Int? {
        guard !value.isNaN else { return nil }
        guard let whole = Int(exactly: value) else {
            let shown = value.isInfinite ? (value > 0 ? "Infinity" : "-Infinity") : "\(value)"
            throw problem("\(shown) is not a whole number from \(range.lowerBound) to \(range.upperBound)", field: field)
        }
        guard range.contains(whole) else {
            throw problem("\(whole) is out of range (\(range.lowerBound) to \(range.upperBound))", field: field)
        }
        return whole
    }

    /// A JSON number, or one of the strings the writer uses for what JSON lacks
    /// ("NaN", "Infinity", "-Infinity"); NaN when absent. Any other value is refused
    /// naming `field`: a loss of "abc" is a broken log, not a divergence.
    func number(_ value: Any?, _ field: String) throws(InputError) -> Double {
        guard let value, !(value is NSNull) else { return .nan }
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: throw problem("\(Escaping.escape("\(value)")) is not a number", field: field)
        }
    }
}

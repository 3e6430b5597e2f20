import Foundation
import RNNCore
import RNNData

/// Reads a run log into a `RecordedRun`, in chunks, so that a log of millions of
/// steps opens in bounded memory and a log that another process is writing can be
/// followed: `update()` reads whatever was appended since the last call.
///
/// Step records, which are most of a log, are read by a small scanner of their flat
/// objects (`StepScanner`); the rarer records go through JSONSerialization, and the
/// parts of them that are rnntop's own Codable types are decoded straight from the
/// line's bytes (`RunRecordParts`, `ModelEventPart`). Records
/// of a type this reader does not know are skipped (other programs may add their
/// own); a log from a later schema is refused. Every number that becomes a step, a
/// size or an index is checked against the range its use needs (see
/// `RunLogReader+Records`), so a damaged or hostile log is refused with its line and
/// field, never trusted.
public final class RunLogReader {
    public let path: String
    /// The run so far; nil until the run record has been read.
    public internal(set) var run: RecordedRun?
    /// Things the user should know that do not stop the replay.
    public private(set) var notes: [String] = []

    /// The longest line read: a probe of a large model is tens of megabytes; a file
    /// with no line end in this many bytes is not a run log (or is a device).
    let maximumLineLength: Int

    private let descriptor: Int32
    /// Where `read` puts each chunk: allocated once, as a followed log is polled often.
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private var pending: [UInt8] = []
    var lineNumber = 0
    /// Whether the note about unreadable resource figures was given (once a log).
    private var warnedResources = false
    /// Step records whose step does not come after the one before (and no resume
    /// event says why): left out, counted, and the first one's line kept for the note.
    private var backwardSteps: (count: Int, first: String, noteIndex: Int)?

    /// Opens a log; a missing or unreadable file is refused here.
    public convenience init(path: String) throws(InputError) {
        try self.init(path: path, maximumLineLength: 256 << 20)
    }

    init(path: String, maximumLineLength: Int) throws(InputError) {
        self.path = path
        self.maximumLineLength = maximumLineLength
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
            guard pending.count <= maximumLineLength else {
                throw problem("a line longer than \(MemoryFootprint.describe(Double(maximumLineLength))): not a run log", at: lineNumber + 1)
            }
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
        if run != nil, let fields = StepScanner.scan(line) {
            try appendStep(fields, to: &run!)
            return
        }
        let bytes = Data(line)
        guard let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            throw problem(run == nil ? "not a run log: the first line is not a JSON object" : "not JSON")
        }
        guard let name = object["type"] as? String else { throw problem("a record without a \"type\"") }
        guard var recorded = run else {
            guard name == RecordType.run.rawValue else {
                throw problem("not a run log: the first record is \"\(Escaping.escape(name))\", not \"run\"")
            }
            run = RecordedRun(header: try header(object, line: bytes))
            return
        }
        // Other programs may add records of their own: those are skipped.
        guard let type = RecordType(rawValue: name) else { return }
        run = nil  // no copy of the columns while `recorded` changes
        defer { run = recorded }
        let step = try stepNumber(object["step"]) ?? 0
        switch type {
        case .step:
            // The same fields as the scanner's, the whole numbers checked as such.
            var fields = StepScanner.Fields()
            for key in StepScanner.Fields.Key.allCases {
                guard let value = object[key.name], !(value is NSNull) else { continue }
                if let range = Self.wholeNumberRanges[key] { _ = try wholeNumber(value, key.name, in: range) }
                fields.set(key, try number(value, key.name))
            }
            try appendStep(fields, to: &recorded)
        case .eval:
            recorded.evaluations.append((step, try number(object["loss"], "loss")))
            if let accuracy = object["accuracy"], !(accuracy is NSNull) {
                recorded.evaluationAccuracies.append((step, try number(accuracy, "accuracy")))
            }
        case .gradientProfile:
            guard let layers = object["layers"] as? [[Any]] else { throw problem("a grad_profile without \"layers\"") }
            let sequences = try wholeNumber(object["sequences"], "sequences", in: 1...Int(Int32.max))
            var profile: [[Double]] = []
            for layer in layers { profile.append(try numbers(layer, "layers")) }
            recorded.gradientProfiles.append((step, profile, sequences))
        case .parameterNorms:
            let gradient = try numbers(object["grad"] as? [Any] ?? [], "grad"), weight = try numbers(object["weight"] as? [Any] ?? [], "weight")
            recorded.parameterNorms.append((step, gradient, weight))
        case .probe:
            let model = recorded.models.last?.model ?? recorded.header.model
            let cellKnown = !recorded.header.missing.contains("cell")
            recorded.probes.append((step, try probe(object, model: model, cellKnown: cellKnown)))
        case .sample:
            recorded.samples.append((step, object["text"] as? String ?? ""))
        case .event, .checkpoint:
            try appendEvent(object, line: bytes, step: step, checkpoint: type == .checkpoint, to: &recorded)
        case .end:
            recorded.ending = RecordedRun.Ending(reason: object["reason"] as? String ?? "", step: step)
        case .run:
            throw problem("a second run record: one log holds one run")
        }
    }

    /// An event (or a checkpoint written); a resume by the program rewinds the run to
    /// its checkpoint's step, and a new model is a model change from here on.
    private func appendEvent(
        _ object: [String: Any], line: Data, step: Int, checkpoint: Bool, to recorded: inout RecordedRun
    ) throws(InputError) {
        let event = try event(object, step: step, checkpoint: checkpoint)
        // A resumed run appending to its log: it goes on from the checkpoint's step.
        if event.kind == .resume, event.source == .program, let from = event.newValue.flatMap(Int.init), Self.stepRange.contains(from) {
            recorded.rewind(keepingThrough: from)
        }
        recorded.events.append(event)
        if object["model"] != nil, event.applied, event.kind == .model {
            let names = object["parameter_names"] as? [String] ?? []
            recorded.models.append((step, try modelConfig(line: line, field: "model"), names))
        }
    }

    /// A list of numbers, each checked as `number` checks one.
    func numbers(_ values: [Any], _ field: String) throws(InputError) -> [Double] {
        var numbers = [Double]()
        numbers.reserveCapacity(values.count)
        for value in values { numbers.append(try number(value, field)) }
        return numbers
    }

    /// A step record, its whole numbers checked: the step, the batch, and the steps a
    /// sampled record stands for (at most those since the record before it).
    private func appendStep(_ fields: StepScanner.Fields, to recorded: inout RecordedRun) throws(InputError) {
        guard let step = try wholeNumber(fields.step, "step", in: Self.stepRange) else {
            throw problem("a step record without a \"step\"")
        }
        if let last = recorded.steps.step.last, step <= Int(last) {
            leaveOutBackwardStep(step, after: Int(last))
            return
        }
        let batch = try wholeNumber(fields.batch, "batch", in: Self.sizeRange) ?? 0
        let steps = try wholeNumber(fields.steps, "steps", in: Self.spanRange) ?? 1
        recorded.appendStep(step, batchSize: batch, standsFor: steps, fields, resources: resources(fields, step: step))
    }

    /// A step record that goes back (or repeats) without a resume before it is left
    /// out, and the notes say how many and from which line: drawing it would put it
    /// out of order, and taking it for a resume would drop everything after.
    private func leaveOutBackwardStep(_ step: Int, after last: Int) {
        var count = 1, first = "\(path): line \(lineNumber): step \(step) comes after step \(last)", index = notes.count
        if let earlier = backwardSteps {
            (count, first, index) = (earlier.count + 1, earlier.first, earlier.noteIndex)
        } else {
            notes.append("")
        }
        backwardSteps = (count, first, index)
        notes[index] = first + "; \(count) step record\(count == 1 ? "" : "s") that did not go forward \(count == 1 ? "was" : "were") left out"
    }

    /// What the process cost, when the record says: a CPU share and byte counts that
    /// are not finite and at least 0 are left out, with a note the first time.
    private func resources(_ fields: StepScanner.Fields, step: Int) -> ResourceUse? {
        guard fields.gave(.cpuPercent) else { return nil }
        let keys: [(StepScanner.Fields.Key, Double)] = [
            (.cpuPercent, fields.cpuPercent), (.residentBytes, fields.residentBytes), (.devicePeakBytes, fields.devicePeakBytes),
        ]
        if let bad = keys.first(where: { fields.gave($0.0) && !($0.1.isFinite && $0.1 >= 0) }) {
            if !warnedResources {
                warnedResources = true
                notes.append("\(path): line \(lineNumber): \(bad.0.name) \(bad.1) is not a count; the process's figures of such records are left out")
            }
            return nil
        }
        return ResourceUse(
            step: step, elapsed: fields.elapsed, cpuPercent: fields.cpuPercent, residentBytes: fields.gave(.residentBytes) ? fields.residentBytes : nil,
            devicePeakBytes: fields.gave(.devicePeakBytes) ? fields.devicePeakBytes : nil)
    }

    func problem(_ text: String, field: String? = nil, at line: Int? = nil) -> InputError {
        InputError(file: path, location: "line \(line ?? lineNumber)", field: field, problem: text)
    }
}

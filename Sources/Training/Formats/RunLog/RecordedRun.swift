import RNNCore
import RNNData

/// A run as its log recorded it, in columns: what `rnntop replay` shows. Built by
/// `RunLogReader` line by line (also while the log grows), and turned into the
/// snapshot the dashboard draws for any step of the run with `snapshot(at:)`.
public struct RecordedRun: Sendable {
    /// The run record: what every log starts with (what the writer writes and the
    /// reader reads back).
    public struct Header: Sendable {
        public let program: String
        /// The run's own name, when the log gives one (`"name"` in the run record).
        public var name: String? = nil
        /// The run's place in the comparison it was trained in, when it was one of several.
        public var comparison: ComparisonPlace? = nil
        public let settings: RunSettings
        /// The task's name when it is not one of rnntop's (a PyTorch run's).
        public var taskName: String? = nil
        /// The optimizer's name when it is not one of rnntop's (a PyTorch run's `adamw`).
        public var optimizerName: String? = nil
        public let model: ModelConfig
        public let parameterNames: [String]
        public let parameterCount: Int
        public let taskSummary: String
        public let baseline: Baseline
        public let startStep: Int
        public let stepsPerEpoch: Int
        public let totalSteps: Int
        /// What another program's log left out, shown as unknown rather than as the
        /// zeros that stand in for it: "parameters", "seed", "optimizer", "lr", "batch",
        /// "clip", "dropout", "cell" (a module watched from outside).
        public var missing: Set<String> = []
        /// Where another program's model trains (`cpu`, `cuda:0`), when its log says.
        public var device: String? = nil
    }

    /// The scalars of the logged steps, a column each (float32, so a million steps
    /// take about 30 MB).
    public struct Steps: Sendable {
        public internal(set) var step: [Int32] = []
        public internal(set) var epoch: [Float] = []
        public internal(set) var loss: [Float] = []
        public internal(set) var learningRate: [Float] = []
        public internal(set) var gradientNorm: [Float] = []
        public internal(set) var clipped: [Bool] = []
        public internal(set) var batchSize: [Int32] = []
        public internal(set) var sequencesPerSecond: [Float] = []
        public internal(set) var elapsed: [Float] = []
        /// A classifier's accuracy; NaN in a record without one.
        public internal(set) var accuracy: [Float] = []
    }

    /// How the run ended, from its end record.
    public struct Ending: Sendable {
        public let reason: String
        public let step: Int
    }

    public let header: Header
    public internal(set) var steps = Steps()
    /// The summaries of the step records that stand for several steps, by row of
    /// `steps` (rows ascending; few: one a kept record past step 1,000).
    public internal(set) var spans: [(row: Int, loss: MetricHistory.Span?, gradientNorm: MetricHistory.Span?)] = []
    /// What the training process cost, as the step records that say it gave it.
    public internal(set) var resources: [ResourceUse] = []
    public internal(set) var evaluations: [(step: Int, loss: Double)] = []
    /// The accuracies of the validations that gave one (a classifier's).
    public internal(set) var evaluationAccuracies: [(step: Int, accuracy: Double)] = []
    /// ‖∂L/∂h_t‖ per layer and time step; `sequences` when taken on part of a batch.
    public internal(set) var gradientProfiles: [(step: Int, layers: [[Double]], sequences: Int?)] = []
    public internal(set) var parameterNorms: [(step: Int, gradient: [Double], weight: [Double])] = []
    public internal(set) var probes: [(step: Int, report: ProbeReport)] = []
    /// A character model's generated text.
    public internal(set) var samples: [(step: Int, text: String)] = []
    public internal(set) var events: [Event] = []
    /// Models that replaced the first one, with their parameter names.
    public internal(set) var models: [(step: Int, model: ModelConfig, parameterNames: [String])] = []
    public internal(set) var ending: Ending?

    /// Adds a step record's figures (NaN for what it left out), standing for
    /// `standsFor` steps (at most those since the record before), with the summaries
    /// of those steps the record gives. Steps only go forward: one that does not
    /// starts the run again from there (see `rewind`).
    mutating func appendStep(_ step: Int, batchSize: Int, standsFor: Int, _ fields: StepScanner.Fields, resources: ResourceUse?) {
        func orZero(_ value: Double) -> Float { value.isNaN ? 0 : Float(value) }
        let previous = steps.step.last.map(Int.init) ?? header.startStep
        let standsFor = min(standsFor, max(step - previous, 1))
        if standsFor > 1 {
            func span(_ minimum: StepScanner.Fields.Key, _ maximum: StepScanner.Fields.Key, _ mean: StepScanner.Fields.Key,
                      _ values: (Double, Double, Double)) -> MetricHistory.Span? {
                guard fields.gave(minimum), fields.gave(maximum), fields.gave(mean) else { return nil }
                return MetricHistory.Span(steps: standsFor, minimum: values.0, maximum: values.1, mean: values.2)
            }
            let loss = span(.lossMinimum, .lossMaximum, .lossMean, (fields.lossMinimum, fields.lossMaximum, fields.lossMean))
            let gradientNorm = span(
                .gradientNormMinimum, .gradientNormMaximum, .gradientNormMean,
                (fields.gradientNormMinimum, fields.gradientNormMaximum, fields.gradientNormMean))
            if loss != nil || gradientNorm != nil { spans.append((steps.step.count, loss, gradientNorm)) }
        }
        if let resources { self.resources.append(resources) }
        steps.step.append(Int32(clamping: step))
        steps.epoch.append(orZero(fields.epoch))
        steps.loss.append(Float(fields.loss))
        steps.learningRate.append(Float(fields.learningRate))
        steps.gradientNorm.append(Float(fields.gradientNorm))
        steps.clipped.append(fields.clipped == 1)
        steps.batchSize.append(Int32(clamping: batchSize))
        steps.sequencesPerSecond.append(orZero(fields.sequencesPerSecond))
        steps.elapsed.append(orZero(fields.elapsed))
        steps.accuracy.append(Float(fields.accuracy))
    }

    /// Forgets everything recorded after `step`: a resumed run went back to a
    /// checkpoint there, and what the first run did after it is not the run any more.
    mutating func rewind(keepingThrough step: Int) {
        let kept = Self.count(steps.step, atMost: step)
        if kept < steps.step.count {
            steps.step.removeSubrange(kept...)
            steps.epoch.removeSubrange(kept...)
            steps.loss.removeSubrange(kept...)
            steps.learningRate.removeSubrange(kept...)
            steps.gradientNorm.removeSubrange(kept...)
            steps.clipped.removeSubrange(kept...)
            steps.batchSize.removeSubrange(kept...)
            steps.sequencesPerSecond.removeSubrange(kept...)
            steps.elapsed.removeSubrange(kept...)
            steps.accuracy.removeSubrange(kept...)
        }
        spans.removeAll { $0.row >= kept }
        resources.removeAll { $0.step > step }
        evaluations.removeAll { $0.step > step }
        evaluationAccuracies.removeAll { $0.step > step }
        gradientProfiles.removeAll { $0.step > step }
        parameterNorms.removeAll { $0.step > step }
        probes.removeAll { $0.step > step }
        samples.removeAll { $0.step > step }
        models.removeAll { $0.step > step }
        events.removeAll { $0.step > step }
        ending = nil
    }

    /// The last step the log has reached.
    public var lastStep: Int {
        max(Int(steps.step.last ?? 0), ending?.step ?? 0, header.startStep)
    }

    /// The dashboard's picture of the run at `step`: every history up to it, and the
    /// gradient profile, probe, settings and model as they were then.
    public func snapshot(at step: Int) -> Snapshot {
        let upTo = Self.count(steps.step, atMost: step)
        let (loss, gradientNorm, elapsed, epochs) = histories(upTo: upTo)
        var validation = MetricHistory()
        for evaluation in evaluations where evaluation.step <= step { validation.append(step: evaluation.step, value: evaluation.loss) }

        let (model, names, parameterCount) =
            models.last { $0.step <= step }.map { ($0.model, $0.parameterNames, ParameterLayout(config: $0.model).totalCount) }
            ?? (header.model, header.parameterNames, header.parameterCount)
        var parameterHistories = names.map { _ in MetricHistory() }
        for record in parameterNorms where record.step <= step && record.gradient.count == names.count {
            for (i, norm) in record.gradient.enumerated() { parameterHistories[i].append(step: record.step, value: norm) }
        }
        let probe = probes.last { $0.step <= step }
        let profile = gradientProfiles.last { $0.step <= step }
        let shownEvents = events.filter { $0.step <= step }
        let modelStart = shownEvents.last { $0.applied && ($0.kind == .model || $0.kind == .reset) }?.step ?? 0
        // The last few profiles of the model shown: a log holds one every so many steps.
        var window = ProfileWindow(capacity: 8)
        for recorded in gradientProfiles.filter({ $0.step > modelStart && $0.step <= step }).suffix(8) {
            window.add(recorded.layers, step: recorded.step)
        }
        let planned = shownEvents.last { $0.kind == .extend && $0.applied }?.newValue.flatMap { Int($0) } ?? header.totalSteps

        let last = upTo - 1
        let (settings, unknown) = settings(of: model, events: shownEvents, lastRow: last)
        let state: Snapshot.State =
            shownEvents.last { [.diverged, .pause, .resume, .rollback].contains($0.kind) }?.kind == .diverged
            ? .diverged : step >= lastStep && ending != nil ? .done : .running
        var snapshot = Snapshot(
            settings: settings, model: model, parameterNames: names, parameterCount: parameterCount,
            taskSummary: header.taskSummary, taskTitle: header.taskName ?? header.settings.task.title, baseline: header.baseline,
            state: state,
            step: step,
            epochs: last >= 0 ? Double(steps.epoch[last]) : 0, totalSteps: max(planned, lastStep),
            stepsPerEpoch: header.stepsPerEpoch, elapsedSeconds: last >= 0 ? Double(steps.elapsed[last]) : 0,
            sequencesPerSecond: state == .done ? averageRate(upTo: last) : last >= 0 ? Double(steps.sequencesPerSecond[last]) : 0,
            stepsPerSecond: last >= 0 ? Double(steps.sequencesPerSecond[last]) / Double(max(steps.batchSize[last], 1)) : 0,
            events: Array(shownEvents.suffix(100)), eventCount: shownEvents.count, loss: loss, validationLoss: validation,
            gradientNorm: gradientNorm, elapsedByStep: elapsed, epochsByStep: epochs, parameterGradientNorms: parameterHistories,
            hiddenGradientProfile: profile?.layers ?? [], hiddenGradientWindow: window,
            probe: probe?.report,
            probeStep: probe?.step ?? 0,
            modelChanges: models.filter { $0.step <= step }.map {
                .init(step: $0.step, description: "\($0.model.cell.displayName)(\($0.model.hiddenSize))")
            },
            markers: shownEvents.compactMap { event in event.changesTraining ? event.kind.map { .init(step: event.step, kind: $0) } : nil },
            canRollBack: false, textSample: samples.last { $0.step <= step }?.text, unknownSettings: unknown,
            optimizerName: header.optimizerName)
        snapshot.hiddenGradientProfileStep = profile?.step ?? 0
        snapshot.hiddenGradientProfileSequences = profile?.sequences
        (snapshot.accuracy, snapshot.validationAccuracy) = accuracies(upTo: upTo, step: step)
        snapshot.resources = resources.last { $0.step <= step }.map { use in
            var use = use
            use.device = header.device
            return use
        }
        return snapshot
    }

    /// The run's average rate up to row `last`: every sequence trained (a record
    /// that stands for several steps counts them at its batch size) over the time
    /// taken; the last record's own rate where the log has no time.
    private func averageRate(upTo last: Int) -> Double {
        guard last >= 0 else { return 0 }
        var sequences = 0.0, previous = 0
        for row in 0...last {
            let step = Int(steps.step[row])
            sequences += Double(max(step - previous, 0)) * Double(steps.batchSize[row])
            previous = step
        }
        let elapsed = Double(steps.elapsed[last])
        return elapsed > 0 && sequences > 0 ? sequences / elapsed : Double(steps.sequencesPerSecond[last])
    }

    /// The step records' histories of the first `rows` rows: loss and gradient norm
    /// (with the spans of records that stand for several steps), time and epochs.
    private func histories(upTo rows: Int) -> (loss: MetricHistory, gradientNorm: MetricHistory, elapsed: MetricHistory, epochs: MetricHistory) {
        var loss = MetricHistory(), gradientNorm = MetricHistory(), elapsed = MetricHistory(), epochs = MetricHistory()
        var nextSpan = spans.startIndex
        for i in 0..<rows {
            let s = Int(steps.step[i])
            var span: (loss: MetricHistory.Span?, gradientNorm: MetricHistory.Span?) = (nil, nil)
            if nextSpan < spans.endIndex, spans[nextSpan].row == i {
                span = (spans[nextSpan].loss, spans[nextSpan].gradientNorm)
                nextSpan += 1
            }
            loss.append(step: s, value: Double(steps.loss[i]), span: span.loss)
            gradientNorm.append(step: s, value: Double(steps.gradientNorm[i]), span: span.gradientNorm)
            elapsed.append(step: s, value: Double(steps.elapsed[i]))
            epochs.append(step: s, value: Double(steps.epoch[i]))
        }
        return (loss, gradientNorm, elapsed, epochs)
    }

    /// A classifier's accuracy in the first `rows` step records (those that give one)
    /// and at the validations up to `step`.
    private func accuracies(upTo rows: Int, step: Int) -> (training: MetricHistory, validation: MetricHistory) {
        var training = MetricHistory(), validation = MetricHistory()
        for i in 0..<rows where !steps.accuracy[i].isNaN {
            training.append(step: Int(steps.step[i]), value: Double(steps.accuracy[i]))
        }
        for evaluation in evaluationAccuracies where evaluation.step <= step {
            validation.append(step: evaluation.step, value: evaluation.accuracy)
        }
        return (training, validation)
    }

    /// The run's settings for `model` after `events`, the learning rate and batch of
    /// step record `lastRow` (when it has them), and the settings still unknown.
    private func settings(of model: ModelConfig, events: [Event], lastRow last: Int) -> (RunSettings, Set<String>) {
        var settings = header.settings
        settings.training.cell = model.cell
        settings.training.hiddenSize = model.hiddenSize
        for event in events where event.applied { Self.apply(event, to: &settings) }
        var unknown = header.missing
        if last >= 0 {
            if !steps.learningRate[last].isNaN {
                settings.training.optimizer.learningRate = steps.learningRate[last]
                unknown.remove("lr")
            }
            if steps.batchSize[last] > 0 {
                settings.training.batchSize = Int(steps.batchSize[last])
                unknown.remove("batch")
            }
        }
        return (settings, unknown)
    }

    /// The settings a command changed, from its event's new value.
    private static func apply(_ event: Event, to settings: inout RunSettings) {
        guard let value = event.newValue else { return }
        switch event.kind {
        case .optimizer:
            if let kind = OptimizerKind(rawValue: value) { settings.training.optimizer.kind = kind }
        case .dropout:
            if let rate = Float(value) {
                settings.training.dropout = rate
                settings.training.outputDropout = rate
            }
        case .clipping:
            let words = value.split(separator: " ")
            if value == "off" {
                settings.training.clipping.threshold = 0
            } else if words.count == 2, let mode = ClipMode(rawValue: String(words[0])), let threshold = Float(words[1]) {
                settings.training.clipping = GradientClipping(mode: mode, threshold: threshold)
            }
        case .evaluationInterval:
            settings.evaluationInterval = Int(value)
        default:
            break
        }
    }

    /// How many of the ascending `steps` are at most `step`.
    public static func count(_ steps: [Int32], atMost step: Int) -> Int {
        var low = 0, high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if Int(steps[middle]) <= step { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

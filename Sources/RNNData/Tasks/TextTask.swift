import Foundation
import RNNCore

/// A character model on a text file, min-char-rnn style: the vocabulary is the
/// sorted distinct characters (bytes when the file is not UTF-8), each input a
/// one-hot character, each target the next one. The batch reads B streams, each a
/// contiguous stretch of the text, `steps` characters at a time, and the hidden state
/// is carried from one window to the next (truncated BPTT). The end of the text is
/// held out for validation. Guessing uniformly scores ln V per character.
public final class TextTask: TrainingTask {
    public var shape: TaskShape {
        TaskShape(inputSize: vocabulary.count, outputSize: vocabulary.count, head: .everyStep, loss: .crossEntropy, steps: steps)
    }
    public let baseline: Baseline
    public let validation: [SequenceBatch]
    public let probe: SequenceBatch
    public let warnings: [String]
    public let summary: String
    public let title: String
    public let defaults = TaskDefaults(
        cell: .lstm, hiddenSize: 128, optimizer: OptimizerSettings(kind: .adam, learningRate: 3e-3),
        clipping: GradientClipping(mode: .norm, threshold: 5), batchSize: 32, length: .steps(2000))
    /// The characters (or bytes) the model predicts.
    public let vocabulary: Vocabulary

    private var steps: Int
    private let training: [Int32]
    /// The end of the text, held out for validation.
    private let heldOut: [Int32]
    /// Where the streams are in their stretches, and how many streams they are.
    private var position = 0
    private var streams = 0
    private var slots = BatchSlots()

    init(options: TaskOptions, memoryLimit: Double) throws {
        let file = options.dataPath!
        let bytes = try DataFile.read(file)
        guard !DataFile.looksBinary(bytes) else {
            throw InputError(file: file, problem: "looks like a binary file, not text")
        }
        let (vocabulary, tokens) = Vocabulary.tokenize(bytes)
        guard vocabulary.count >= 2 else {
            throw InputError(file: file, problem: "has only one distinct character: nothing to predict")
        }
        self.vocabulary = vocabulary
        let steps = options.sequenceLength ?? 50
        self.steps = steps
        let split = options.validationSplit ?? 0.1
        let cut = Int((Double(tokens.count) * (1 - split)).rounded(.down))
        guard cut >= steps + 1 && tokens.count - cut >= steps + 1 else {
            throw InputError(
                file: file,
                problem: "has \(tokens.count) characters: too few for windows of \(steps) plus a validation split of "
                    + "\(split) (needs \(Int((Double(steps + 1) / min(split, 1 - split)).rounded(.up))))")
        }
        training = Array(tokens[0..<cut])
        let heldOut = Array(tokens[cut...])
        self.heldOut = heldOut
        let v = vocabulary.count
        baseline = Baseline(loss: log(Double(v)), predictor: "a uniform guess among \(v) characters", accuracy: 1 / Double(v))
        var notes = [String]()
        if case .bytes = vocabulary.symbols {
            notes.append("\(file): not valid UTF-8; modelled as \(v) distinct bytes")
        }
        warnings = notes
        summary = "text: \(tokens.count) characters of \(file), \(v) distinct"
        title = "text \(Escaping.escape((file as NSString).lastPathComponent))"

        // The held-out text as windows from a zero state: what `validation` offers
        // (`validationLoss` streams it instead, see there).
        let length = min(max(steps, 100), heldOut.count - 1)
        let count = min(64, (heldOut.count - 1) / length)
        try BatchShape.checkFixedData(
            [Self.shape(steps: length, size: count, symbols: v), Self.shape(steps: steps, size: 1, symbols: v)], limit: memoryLimit,
            setting: "seq-len", task: "text")
        validation = [Self.windows(heldOut, starts: (0..<count).map { $0 * length }, steps: length, symbols: v)]
        probe = Self.windows(heldOut, starts: [0], steps: steps, symbols: v)
    }

    /// The held-out text read as training reads its text: in streams, a window at a
    /// time, the state carried from one window to the next, and starting from the
    /// state training's streams are in now. A model trained on a long carried stream
    /// settles into states that it may never reach from a zero state: in a tanh RNN
    /// trained with one stream (Adagrad 0.1), validation from zero states read 6 to 12
    /// nats per character where training read 2.5, until the first pass over the text
    /// ended and training itself started again from zeros.
    public func validationScore(of network: RecurrentNetwork) -> ValidationScore {
        let windowLength = max(1, min(steps, (heldOut.count - 1) / 2))
        let carried = network.carriedState
        let available = carried?.batch ?? 16
        let streamCount = max(1, min(available, 16, (heldOut.count - 1) / windowLength))
        let stretch = (heldOut.count - 1) / streamCount
        let windows = stretch / windowLength
        let starts = (0..<streamCount).map { $0 * stretch }
        var (hidden, cell) = carried.map { Self.firstStreams(of: $0, count: streamCount, network.config) } ?? (nil, nil)
        var total = 0.0, counted = 0, correct = 0
        for window in 0..<windows {
            let offset = window * windowLength
            let batch = Self.windows(heldOut, starts: starts.map { $0 + offset }, steps: windowLength, symbols: vocabulary.count)
            let inference = network.infer(batch, hidden: hidden, cell: cell)
            (hidden, cell) = (inference.finalHidden, inference.finalCell.isEmpty ? nil : inference.finalCell)
            guard case .classes(let targets) = batch.targets else { continue }
            let scored = Self.crossEntropy(logits: inference.predictions, targets: targets, symbols: vocabulary.count)
            total += scored.loss
            correct += scored.correct
            counted += targets.count
        }
        return ValidationScore(loss: total / Double(max(counted, 1)), accuracy: Double(correct) / Double(max(counted, 1)))
    }

    /// The state of the first `count` of a carried state's streams, `[L][count][H]`.
    private static func firstStreams(of state: CarriedState, count: Int, _ config: ModelConfig) -> ([Float], [Float]?) {
        let h = config.hiddenSize, width = count * h
        func take(_ values: [Float]) -> [Float] {
            (0..<config.layers).flatMap { layer in values[(layer * state.batch * h)..<(layer * state.batch * h + width)] }
        }
        return (take(state.hidden), state.cell.isEmpty ? nil : take(state.cell))
    }

    /// The summed cross-entropy of `targets` under `logits`, `[targets.count][symbols]`,
    /// and how many targets have the largest logit (the first, on a tie).
    private static func crossEntropy(logits: [Float], targets: [Int32], symbols: Int) -> (loss: Double, correct: Int) {
        var total = 0.0, correct = 0
        for (row, target) in targets.enumerated() {
            let scores = logits[(row * symbols)..<((row + 1) * symbols)]
            let top = scores.max() ?? 0, largest = Double(top)
            let sum = scores.reduce(0.0) { $0 + exp(Double($1) - largest) }
            total += largest + log(sum) - Double(scores[row * symbols + Int(target)])
            if scores.firstIndex(of: top) == row * symbols + Int(target) { correct += 1 }
        }
        return (total, correct)
    }

    public func stepsPerEpoch(batchSize: Int) -> Int {
        max(1, (training.count / batchSize - 1) / steps)
    }

    public var batch: SequenceBatch { slots.current }

    public var cursor: TaskCursor {
        var saved = TaskCursor()
        saved.position = position
        saved.streams = streams
        saved.steps = steps
        return saved
    }

    public func restore(_ cursor: TaskCursor) throws(ConfigError) {
        guard cursor.steps >= 1, cursor.streams >= 0, cursor.position >= 0,
            cursor.steps < training.count / max(cursor.streams, 1),
            cursor.streams == 0 || cursor.position <= training.count / cursor.streams
        else {
            throw ConfigError(setting: "checkpoint", problem: "its place in the text does not fit this text")
        }
        position = cursor.position
        streams = cursor.streams
        steps = cursor.steps
    }

    /// A new window length for the streams; they start over from a zero state.
    public func setWindowLength(_ steps: Int, batchSize: Int) throws(ConfigError) {
        let longest = training.count / max(batchSize, 1) - 1
        guard steps >= 1 && steps <= longest else {
            throw ConfigError(
                setting: "truncation", problem: "must be between 1 and \(longest), the length of a stream at batch \(batchSize) (got \(steps))")
        }
        self.steps = steps
        streams = 0  // the next batch restarts the streams
    }

    /// Each of the batch's streams must hold a window and the character after it.
    public func checkBatchSize(_ size: Int) throws(ConfigError) {
        let most = training.count / (steps + 1)
        guard size <= most else {
            throw ConfigError(
                setting: "batch",
                problem: "at most \(most) streams of \(steps + 1) characters fit the text's \(training.count) training characters (got \(size))")
        }
    }

    public func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        let stretch = training.count / size
        var state = InitialState.carried
        if size != streams || position + steps + 1 > stretch {
            // A new epoch (or a new number of streams): every stream starts over.
            streams = size
            position = 0
            state = .zeros
        }
        slots.prepare(Self.shape(steps: steps, size: size, symbols: vocabulary.count))
        let starts = stride(from: position, to: position + size * stretch, by: stretch)
        let (tokens, steps, symbols) = (training, self.steps, vocabulary.count)
        slots.fill { Self.write(tokens, starts: starts, steps: steps, symbols: symbols, into: &$0) }
        position += steps
        return state
    }

    /// Generates `count` characters after `prime` from the model, sampling each from
    /// its softmax at `temperature` (lower is more conservative), and returns the text
    /// with control characters other than line breaks escaped for display. Leaves
    /// training state alone.
    public func sample(
        from network: RecurrentNetwork, prime: String, count: Int, temperature: Double,
        generator: inout RandomGenerator
    ) -> String {
        let text = TextSampler(vocabulary: vocabulary).sample(
            from: network, prime: prime, count: count, temperature: temperature, generator: &generator)
        return Escaping.escape(text, keepingLineBreaks: true)
    }

    private static func shape(steps: Int, size: Int, symbols: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: symbols, targets: .classes(everyStep: true))
    }

    /// A batch of the windows of `tokens` starting at `starts`.
    private static func windows(_ tokens: [Int32], starts: [Int], steps: Int, symbols: Int) -> SequenceBatch {
        var batch = shape(steps: steps, size: starts.count, symbols: symbols).makeBatch()
        write(tokens, starts: starts, steps: steps, symbols: symbols, into: &batch)
        return batch
    }

    /// One-hot inputs `tokens[start + t]` and targets `tokens[start + t + 1]`.
    private static func write(
        _ tokens: [Int32], starts: some Sequence<Int>, steps: Int, symbols: Int, into batch: inout SequenceBatch
    ) {
        let size = batch.size
        batch.edit { (inputs: inout [Float], targets: inout [Int32]) in
            for (b, start) in starts.enumerated() {
                for t in 0..<steps {
                    let row = (t * size + b) * symbols
                    for v in 0..<symbols { inputs[row + v] = 0 }
                    inputs[row + Int(tokens[start + t])] = 1
                    targets[t * size + b] = tokens[start + t + 1]
                }
            }
        }
    }
}

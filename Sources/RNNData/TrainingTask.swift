import Foundation
import RNNCore

/// Something to train on: batches for training, a fixed validation set, the head
/// and loss it needs, what "learning nothing" scores, and a fixed sequence for the
/// heatmaps. All randomness comes from the session's generator.
public protocol TrainingTask: AnyObject {
    /// What the model must look like for this task.
    var shape: TaskShape { get }
    /// The validation loss of a model that has learned nothing, and how it is made.
    var baseline: Baseline { get }
    /// Settings that train visibly within a minute on two cores; flags override them.
    var defaults: TaskDefaults { get }
    /// The fixed validation set, in batches.
    var validation: [SequenceBatch] { get }

    /// The loss (and a classifier's accuracy) on the validation set, without
    /// dropout. By default the batches' losses weighted by their sizes, each from a
    /// zero state; a text measures it as training sees it, with the state carried
    /// through the held-out text.
    func validationScore(of network: RecurrentNetwork) -> ValidationScore
    /// One fixed sequence (with its targets) for the probe heatmaps.
    var probe: SequenceBatch { get }
    /// Notes for the user about the data (a column ignored, bytes instead of text).
    var warnings: [String] { get }
    /// A one-line description: the task and its data.
    var summary: String { get }
    /// A few words for a header: the task and, for data, its file and columns.
    var title: String { get }

    /// Steps in one pass over the training data at `batchSize`. Generated tasks have
    /// no data to pass over; their epoch is a fixed 100 steps.
    func stepsPerEpoch(batchSize: Int) -> Int

    /// Makes `batch` the next training batch of (at most) `size` sequences, in
    /// storage the task reuses (no allocation once both an epoch's full and last
    /// batch exist), and returns the state the recurrent layers start from (carried
    /// across the windows of a text).
    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState

    /// The batch `nextBatch` made; valid until the next call.
    var batch: SequenceBatch { get }

    /// Where the task is in its data (epoch order, stream positions), to save with a
    /// checkpoint; a generated task's place is its generator's state, so it is empty.
    var cursor: TaskCursor { get }

    /// Continues from a saved cursor; refuses one that does not fit this task's data.
    func restore(_ cursor: TaskCursor) throws(ConfigError)

    /// Changes the window length, for batches of `batchSize`: for a text, the
    /// truncation length of backpropagation through time. Other tasks refuse,
    /// saying why.
    func setWindowLength(_ steps: Int, batchSize: Int) throws(ConfigError)

    /// Refuses a batch size the task's data cannot fill (a text split into more
    /// streams than it has windows for); called before a batch of that size is made.
    func checkBatchSize(_ size: Int) throws(ConfigError)
}

/// A task's place in its data.
public struct TaskCursor: Sendable, Codable, Equatable {
    /// This epoch's order of the training windows.
    public var order: [Int] = []
    /// The next position: in `order`, or in each text stream.
    public var position = 0
    /// Text streams (the batch size they were laid out for).
    public var streams = 0
    /// Window length (text).
    public var steps = 0

    public init() {}
}

extension TrainingTask {
    public func setWindowLength(_ steps: Int, batchSize: Int) throws(ConfigError) {
        throw ConfigError(setting: "truncation", problem: "only the text task reads windows of a stream")
    }

    /// Any batch size fits a task whose batches are drawn or cut from windows: a
    /// batch larger than the data is the whole data.
    public func checkBatchSize(_ size: Int) throws(ConfigError) {}
}

/// The model settings a task dictates.
public struct TaskShape: Sendable, Equatable {
    public var inputSize: Int
    public var outputSize: Int
    public var head: HeadKind
    public var loss: LossKind
    /// Time steps per training sequence.
    public var steps: Int
}

/// A baseline loss and the trivial predictor behind it.
public struct Baseline: Sendable, Equatable, Codable {
    public var loss: Double
    /// "always predict 1", "persistence (next = last)", ...
    public var predictor: String
    /// A classifier's chance level: the fraction of scored positions the same
    /// predictor gets right (1/V for a uniform guess); nil for a regression.
    public var accuracy: Double?

    public init(loss: Double, predictor: String, accuracy: Double? = nil) {
        self.loss = loss
        self.predictor = predictor
        self.accuracy = accuracy
    }
}

/// How long a run lasts by default.
public enum TrainingLength: Sendable, Equatable, Codable {
    case steps(Int)
    case epochs(Int)
}

/// A task's suggested model and training settings.
public struct TaskDefaults: Sendable, Equatable, Codable {
    public var cell: CellKind
    public var activation: Activation
    public var hiddenSize: Int
    public var layers: Int
    public var dropout: Float
    public var outputDropout: Float
    public var initialization: InitScheme
    public var optimizer: OptimizerSettings
    public var clipping: GradientClipping
    public var batchSize: Int
    public var length: TrainingLength
    /// Where a min cell (minGRU, minLSTM) needs another depth and learning rate than
    /// the task's cell: their gates see only the input, so a single layer cannot
    /// tell, say, how many symbols it has already kept. Nil: the same as any cell.
    /// Resolved (and cleared) when the run's cell is known: see `choosing(_:)`.
    public var minCells: MinCellSetup?

    public init(
        cell: CellKind, activation: Activation = .tanh, hiddenSize: Int, layers: Int = 1, dropout: Float = 0,
        outputDropout: Float = 0, initialization: InitScheme = .torch, optimizer: OptimizerSettings,
        clipping: GradientClipping = .off, batchSize: Int, length: TrainingLength, minCells: MinCellSetup? = nil
    ) {
        self.cell = cell
        self.activation = activation
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.outputDropout = outputDropout
        self.initialization = initialization
        self.optimizer = optimizer
        self.clipping = clipping
        self.batchSize = batchSize
        self.length = length
        self.minCells = minCells
    }

    /// The defaults for a run of `cell`: a min cell's own setup where the task has
    /// one, and no setup left to resolve. Flags given later override these.
    public func choosing(_ cell: CellKind) -> TaskDefaults {
        var chosen = self
        chosen.cell = cell
        if cell.isLinearRecurrence, let setup = minCells {
            chosen.layers = setup.layers
            chosen.optimizer.learningRate = setup.learningRate
        }
        chosen.minCells = nil
        return chosen
    }
}

/// A min cell's depth and learning rate on a task that needs its own (see
/// `TaskDefaults.minCells`).
public struct MinCellSetup: Sendable, Equatable, Codable {
    public var layers: Int
    public var learningRate: Float

    public init(layers: Int, learningRate: Float) {
        self.layers = layers
        self.learningRate = learningRate
    }
}

/// The tasks rnntop knows.
public enum TaskKind: String, CaseIterable, Sendable, Codable {
    case adding, copy, selectiveCopy = "selective-copy", sine, seed, csv, text
}

/// What the user said about the task on the command line.
public struct TaskOptions: Sendable, Equatable, Codable {
    public var kind: TaskKind
    /// CSV series or text corpus (csv and text tasks).
    public var dataPath: String?
    /// CSV columns by name or 0-based index; empty for the last numeric column.
    public var columns: [String]
    /// Time steps per sequence; nil for the task's default.
    public var sequenceLength: Int?
    /// Fraction of the data held out for validation; nil for the task's default.
    public var validationSplit: Double?
    /// How to fill gaps in a CSV series; nil refuses them.
    public var fill: FillMethod?

    public init(
        kind: TaskKind, dataPath: String? = nil, columns: [String] = [], sequenceLength: Int? = nil,
        validationSplit: Double? = nil, fill: FillMethod? = nil
    ) {
        self.kind = kind
        self.dataPath = dataPath
        self.columns = columns
        self.sequenceLength = sequenceLength
        self.validationSplit = validationSplit
        self.fill = fill
    }

    /// The task in a few words, from the options alone (a recorded run's header):
    /// "csv sunspots.csv: SUNACTIVITY", "text hamlet.txt", "adding".
    public var title: String {
        guard let dataPath else { return kind.rawValue }
        let file = Escaping.escape((dataPath as NSString).lastPathComponent)
        let named = columns.isEmpty ? "" : ": " + Escaping.escape(columns.joined(separator: ", "))
        return "\(kind.rawValue) \(file)\(named)"
    }
}

/// The recurrent cell of every layer.
public enum CellKind: String, CaseIterable, Sendable, Codable {
    /// h = act(W_ih x + b_ih + W_hh h + b_hh)
    case rnn
    /// PyTorch's LSTM, gate blocks i, f, g, o.
    case lstm
    /// PyTorch's GRU, gate blocks r, z, n, with r applied to W_hn h + b_hn.
    case gru
    /// minGRU (Feng et al. 2024), blocks z, h: gates of x_t alone,
    /// h_t = (1 - z_t) h_{t-1} + z_t g(W_h x_t + b_h).
    case minGRU = "mingru"
    /// minLSTM (Feng et al. 2024), blocks f, i, h: h_t = f'_t h_{t-1} + i'_t g(W_h x_t + b_h)
    /// with f' = f / (f + i) and i' = i / (f + i).
    case minLSTM = "minlstm"

    /// Row blocks in the weight matrices: 1, 4, 3, 2 or 3.
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        case .minGRU: 2
        case .minLSTM: 3
        }
    }

    /// The gate blocks in PyTorch's order (for the min cells, the reference
    /// implementation's); empty for the vanilla cell.
    public var gateNames: [String] {
        switch self {
        case .rnn: []
        case .lstm: ["i", "f", "g", "o"]
        case .gru: ["r", "z", "n"]
        case .minGRU: ["z", "h"]
        case .minLSTM: ["f", "i", "h"]
        }
    }

    /// The name people write: RNN, LSTM, GRU, minGRU, minLSTM.
    public var displayName: String {
        switch self {
        case .minGRU: "minGRU"
        case .minLSTM: "minLSTM"
        default: rawValue.uppercased()
        }
    }

    /// Whether the cell carries a memory c_t besides h_t.
    public var hasCellState: Bool { self == .lstm }

    /// Whether a layer is one linear recurrence h_t = a_t h_{t-1} + b_t whose decay
    /// a_t and input b_t depend on x_t alone: no W_hh, no b_hh, and the recurrence is
    /// computed by a parallel scan over time rather than step by step.
    public var isLinearRecurrence: Bool { self == .minGRU || self == .minLSTM }

    /// The cells in words, for messages: "rnn, lstm, gru, mingru or minlstm".
    public static var choices: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// The cell's nonlinearity: tanh, or relu (for LSTM the Keras `activation=` variant,
/// which replaces tanh in both places).
public enum Activation: String, CaseIterable, Sendable, Codable {
    case tanh, relu
}

/// What sits on top of the recurrent layers.
public enum HeadKind: String, CaseIterable, Sendable, Codable {
    /// A Dense layer on the last time step (many-to-one regression or classification).
    case lastStep = "last"
    /// A Dense layer on every time step (sequence output, character models).
    case everyStep = "every"
    /// No head: the loss is sum(output * weights) over the top layer's outputs, the
    /// form the reference files use to check the recurrent layers alone.
    case none
}

/// The training loss.
public enum LossKind: String, CaseIterable, Sendable, Codable {
    /// Mean squared error over batch (and steps) and outputs.
    case mse
    /// Softmax cross-entropy over class indices, mean over steps and batch.
    case crossEntropy = "cross-entropy"
}

/// How the weights start.
public enum InitScheme: String, CaseIterable, Sendable, Codable {
    /// PyTorch: U(-1/sqrt(H), 1/sqrt(H)) for every recurrent weight and bias, and
    /// nn.Linear's default for the head.
    case torch
    /// Keras: Glorot-uniform input weights, orthogonal recurrent weights, zero biases
    /// with forget-gate bias 1, Glorot-uniform head.
    case keras
    /// IRNN (Le et al. 2015): identity recurrent matrix, zero biases, small normal
    /// input weights.
    case identity
}

/// Everything that fixes a model's shape and behaviour.
public struct ModelConfig: Sendable, Codable, Equatable {
    public var cell: CellKind
    public var activation: Activation
    public var inputSize: Int
    public var hiddenSize: Int
    public var layers: Int
    /// Outputs of the head: values to regress, or classes.
    public var outputSize: Int
    public var head: HeadKind
    public var loss: LossKind
    /// Dropout between stacked layers (PyTorch's `dropout=`), 0 for none.
    public var dropout: Float
    /// A Keras-style Dropout layer between the last recurrent layer and the head.
    public var outputDropout: Float
    public var initialization: InitScheme

    public init(
        cell: CellKind = .lstm, activation: Activation = .tanh, inputSize: Int, hiddenSize: Int,
        layers: Int = 1, outputSize: Int = 1, head: HeadKind = .lastStep, loss: LossKind = .mse,
        dropout: Float = 0, outputDropout: Float = 0, initialization: InitScheme = .torch
    ) {
        self.cell = cell
        self.activation = activation
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.outputSize = outputSize
        self.head = head
        self.loss = loss
        self.dropout = dropout
        self.outputDropout = outputDropout
        self.initialization = initialization
    }

    /// The cell as people write it: "LSTM(64, tanh)", "minGRU(64)" (the min cells'
    /// candidate is always g, so no activation is named).
    public var cellSummary: String {
        cell.isLinearRecurrence
            ? "\(cell.displayName)(\(hiddenSize))" : "\(cell.displayName)(\(hiddenSize), \(activation.rawValue))"
    }

    /// Whether PyTorch's second bias, `bias_hh`, is trained. Keras's LSTM and SimpleRNN
    /// have one bias per gate where PyTorch has two: with Keras's initialisation (which
    /// leaves `bias_hh` at zero) it stays as it is, so that a run takes Keras's steps,
    /// not steps that move the bias twice as fast. Keras's GRU (`reset_after`) has both.
    public var trainsRecurrentBias: Bool { initialization != .keras || cell == .gru || cell.isLinearRecurrence }

    /// The widest input or output: every Unicode scalar as a class of a character
    /// model. With the limits on hidden size and layers, a model's parameter count
    /// stays far inside `Int`, so sizes computed from a valid config never overflow.
    public static let maximumWidth = 1 << 21

    /// Refuses settings that make no sense, naming the setting, before any work.
    /// Sizes read from files (checkpoints, logs) pass through here before anything
    /// is computed from them.
    public func validate() throws(ConfigError) {
        try ConfigError.require(inputSize >= 1, "input size", "must be at least 1 (got \(inputSize))")
        try ConfigError.require(inputSize <= Self.maximumWidth, "input size", "must be at most \(Self.maximumWidth) (got \(inputSize))")
        try ConfigError.require(hiddenSize >= 1, "hidden", "must be at least 1 (got \(hiddenSize))")
        try ConfigError.require(hiddenSize <= 65_536, "hidden", "must be at most 65536 (got \(hiddenSize))")
        try ConfigError.require(layers >= 1, "layers", "must be at least 1 (got \(layers))")
        try ConfigError.require(layers <= 64, "layers", "must be at most 64 (got \(layers))")
        try ConfigError.require(outputSize >= 1, "output size", "must be at least 1 (got \(outputSize))")
        try ConfigError.require(outputSize <= Self.maximumWidth, "output size", "must be at most \(Self.maximumWidth) (got \(outputSize))")
        try ConfigError.require(
            dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1) (got \(dropout))")
        try ConfigError.require(
            outputDropout >= 0 && outputDropout < 1, "output dropout",
            "must be in [0, 1) (got \(outputDropout))")
        if loss == .crossEntropy {
            try ConfigError.require(
                outputSize >= 2, "output size", "cross-entropy needs at least 2 classes (got \(outputSize))")
        }
    }
}

/// A setting that cannot be used, with the name the user knows it by.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let setting: String
    public let problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting): \(problem)" }

    static func require(_ condition: Bool, _ setting: String, _ problem: @autoclosure () -> String) throws(ConfigError) {
        if !condition { throw ConfigError(setting: setting, problem: problem()) }
    }
}

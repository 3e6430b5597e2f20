import RNNCore
import RNNData

/// The run record's `settings`, in the shape the log's schema documents
/// (`schema/run-log.schema.json`): the command line's names in snake case, and the
/// optimizer's hyperparameters by PyTorch's names.
///
/// ```json
/// {"task":{"kind":"adding","seq_len":50},"cell":"lstm","activation":"tanh","hidden":64,"layers":1,
///  "dropout":0,"output_dropout":0,"init":"torch","optimizer":{"name":"adam","lr":0.01,"betas":[0.9,0.999],
///  "eps":1e-08,"momentum":0,"nesterov":false,"alpha":0.99,"weight_decay":0},"clip":{"mode":"norm","threshold":1},
///  "batch":32,"length":{"steps":2000},"seed":1}
/// ```
///
/// Every key is optional when read: another program writes what it knows (a PyTorch
/// run: the optimizer and the batch), and what it leaves out is taken from the model.
struct SettingsRecord: Codable {
    struct Task: Codable {
        var kind: String?
        var data: String?
        var columns: [String]?
        var seqLen: Int?
        var valSplit: Double?
        var fill: FillMethod?

        enum CodingKeys: String, CodingKey {
            case kind, data, columns, fill
            case seqLen = "seq_len"
            case valSplit = "val_split"
        }
    }

    struct Optimizer: Codable {
        var name: String?
        var lr: Float?
        var momentum: Float?
        var nesterov: Bool?
        var betas: [Float]?
        var alpha: Float?
        var eps: Float?
        /// Keras's epsilon (see `OptimizerSettings.epsilonHat`); written only when true.
        var epsHat: Bool?
        var weightDecay: Float?

        enum CodingKeys: String, CodingKey {
            case name, lr, momentum, nesterov, betas, alpha, eps
            case epsHat = "eps_hat"
            case weightDecay = "weight_decay"
        }
    }

    struct Clip: Codable {
        var mode: ClipMode?
        var threshold: Float?
    }

    /// `{"steps": N}` or `{"epochs": N}`.
    struct Length: Codable {
        var steps: Int?
        var epochs: Int?
    }

    var task: Task?
    var cell: CellKind?
    var activation: Activation?
    var hidden: Int?
    var layers: Int?
    var dropout: Float?
    var outputDropout: Float?
    var initialization: InitScheme?
    var optimizer: Optimizer?
    var clip: Clip?
    var batch: Int?
    var length: Length?
    var seed: UInt64?
    var evalEvery: Int?
    var checkpoint: String?
    var initFrom: String?
    var saveWeights: String?

    enum CodingKeys: String, CodingKey {
        case task, cell, activation, hidden, layers, dropout, optimizer, clip, batch, length, seed, checkpoint
        case outputDropout = "output_dropout"
        case initialization = "init"
        case evalEvery = "eval_every"
        case initFrom = "init_from"
        case saveWeights = "save_weights"
    }

    /// A record that says nothing: everything comes from the model.
    static let empty = SettingsRecord()

    private init() {}

    /// The record of `settings`.
    init(_ settings: RunSettings) {
        let options = settings.task, training = settings.training, optimizer = training.optimizer
        task = Task(
            kind: options.kind.rawValue, data: options.dataPath, columns: options.columns, seqLen: options.sequenceLength,
            valSplit: options.validationSplit, fill: options.fill)
        cell = training.cell
        activation = training.activation
        hidden = training.hiddenSize
        layers = training.layers
        dropout = training.dropout
        outputDropout = training.outputDropout
        initialization = training.initialization
        self.optimizer = Optimizer(
            name: optimizer.kind.rawValue, lr: optimizer.learningRate, momentum: optimizer.momentum, nesterov: optimizer.nesterov,
            betas: [optimizer.beta1, optimizer.beta2], alpha: optimizer.alpha, eps: optimizer.epsilon,
            epsHat: optimizer.epsilonHat ? true : nil, weightDecay: optimizer.weightDecay)
        clip = Clip(mode: training.clipping.mode, threshold: training.clipping.threshold)
        batch = training.batchSize
        switch training.length {
        case .steps(let n): length = Length(steps: n)
        case .epochs(let n): length = Length(epochs: n)
        }
        seed = settings.seed
        evalEvery = settings.evaluationInterval
        checkpoint = settings.checkpointPath
        initFrom = settings.initialWeightsPath
        saveWeights = settings.weightsPath
    }

    /// The settings this record gives, with what it leaves out taken from `model` and
    /// the run record's `total_steps`. An optimizer rnntop does not have (`adamw`) keeps
    /// its hyperparameters here and its name in `optimizerName`.
    func settings(model: ModelConfig, totalSteps: Int) -> RunSettings {
        let name = optimizer?.name.flatMap(OptimizerKind.init(rawValue:)) ?? .adam
        var rule = OptimizerSettings(kind: name, learningRate: optimizer?.lr ?? 0)
        if let momentum = optimizer?.momentum { rule.momentum = momentum }
        if let nesterov = optimizer?.nesterov { rule.nesterov = nesterov }
        if let betas = optimizer?.betas, betas.count == 2 {
            rule.beta1 = betas[0]
            rule.beta2 = betas[1]
        }
        if let alpha = optimizer?.alpha { rule.alpha = alpha }
        if let eps = optimizer?.eps { rule.epsilon = eps }
        if let epsHat = optimizer?.epsHat { rule.epsilonHat = epsHat }
        if let weightDecay = optimizer?.weightDecay { rule.weightDecay = weightDecay }
        let runLength: TrainingLength = length?.epochs.map { .epochs($0) } ?? .steps(length?.steps ?? totalSteps)
        let training = TaskDefaults(
            cell: cell ?? model.cell, activation: activation ?? model.activation, hiddenSize: hidden ?? model.hiddenSize,
            layers: layers ?? model.layers, dropout: dropout ?? model.dropout, outputDropout: outputDropout ?? model.outputDropout,
            initialization: initialization ?? model.initialization, optimizer: rule,
            clipping: GradientClipping(mode: clip?.mode ?? .norm, threshold: clip?.threshold ?? 0), batchSize: batch ?? 1,
            length: runLength)
        let taskOptions = TaskOptions(
            kind: task?.kind.flatMap(TaskKind.init(rawValue:)) ?? .csv, dataPath: task?.data, columns: task?.columns ?? [],
            sequenceLength: task?.seqLen, validationSplit: task?.valSplit, fill: task?.fill)
        return RunSettings(
            task: taskOptions, training: training, seed: seed ?? 0, evaluationInterval: evalEvery, checkpointPath: checkpoint,
            initialWeightsPath: initFrom, weightsPath: saveWeights)
    }

    /// The task's name when it is not one of rnntop's: the record's own, else what the
    /// task's summary says before its colon ("adding: sum the two ..."), else "other".
    func taskName(summary: String) -> String {
        if let kind = task?.kind { return kind }
        let name = summary.prefix { $0 != ":" }
        return name.count < summary.count && !name.isEmpty && name.count <= 20 ? String(name) : "other"
    }

    /// The optimizer's own name when it is not one of rnntop's (`adamw`, `lbfgs`, ...).
    /// The settings it leaves out, by the names `RecordedRun.Header.missing` uses.
    var missing: Set<String> {
        var names = Set<String>()
        if seed == nil { names.insert("seed") }
        if optimizer?.name == nil { names.insert("optimizer") }
        if optimizer?.lr == nil { names.insert("lr") }
        if batch == nil { names.insert("batch") }
        if clip?.threshold == nil { names.insert("clip") }
        if dropout == nil && outputDropout == nil { names.insert("dropout") }
        return names
    }

    var optimizerName: String? {
        guard let name = optimizer?.name, OptimizerKind(rawValue: name) == nil else { return nil }
        return name
    }
}

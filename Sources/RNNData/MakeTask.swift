import RNNCore

/// A check of a generated task's plan, called before its fixed data is drawn: the
/// shape of its sequences and its largest validation batch. A caller that knows the
/// model refuses here the settings whose training would not fit in memory, before
/// seconds and gigabytes go into drawing data for a run that cannot happen.
public typealias TaskPlanCheck = (TaskShape, _ largestValidationBatch: (sequences: Int, steps: Int)) throws(ConfigError) -> Void

/// Makes the task the options describe, drawing its data from `generator`.
/// - Parameters:
///   - memoryLimit: bytes the task's fixed data (validation set, probe) may take;
///     more is refused before it is allocated.
///   - checkPlan: called by a generated task before it draws its data.
/// - Throws: `ConfigError` for options that make no sense (a sequence length of 0)
///   or need too much memory, `InputError` for a data file that cannot be used.
public func makeTask(
    _ options: TaskOptions, generator: inout RandomGenerator, memoryLimit: Double = MemoryLimit.machine,
    checkPlan: TaskPlanCheck? = nil
) throws -> any TrainingTask {
    func generated(_ source: some SequenceSource) throws(ConfigError) -> any TrainingTask {
        try GeneratedTask(source, generator: &generator, memoryLimit: memoryLimit, checkPlan: checkPlan)
    }
    if let source = try generatedSource(options) { return try generated(source) }
    switch options.kind {
    case .csv: return try CSVSeriesTask(options: options, memoryLimit: memoryLimit)
    case .text: return try TextTask(options: options, memoryLimit: memoryLimit)
    default: return SeedTask()
    }
}

/// The shape and the defaults of the task the options describe, without drawing or
/// reading its data when it has a fixed shape (every task but csv and text, which
/// are nil: their shape is their data's).
public func taskOutline(_ options: TaskOptions) throws(ConfigError) -> (shape: TaskShape, defaults: TaskDefaults)? {
    if let source = try generatedSource(options) { return (source.shape, source.defaults) }
    guard options.kind == .seed else { return nil }
    let seed = SeedTask()
    return (seed.shape, seed.defaults)
}

/// The options checked, and the generator of a generated task's sequences; nil for
/// a task made from data (seed, csv, text).
private func generatedSource(_ options: TaskOptions) throws(ConfigError) -> (any SequenceSource)? {
    if let length = options.sequenceLength, length < 1 {
        throw ConfigError(setting: "seq-len", problem: "must be at least 1 (got \(length))")
    }
    if let split = options.validationSplit, !(split > 0 && split < 1) {
        throw ConfigError(setting: "val-split", problem: "must be between 0 and 1, exclusive (got \(split))")
    }
    let needsData = options.kind == .csv || options.kind == .text
    if needsData && options.dataPath == nil {
        throw ConfigError(setting: "data", problem: "the \(options.kind.rawValue) task needs --data PATH")
    }
    if !needsData, options.dataPath != nil {
        throw ConfigError(setting: "data", problem: "the \(options.kind.rawValue) task makes its own data; --data is for csv and text")
    }
    switch options.kind {
    case .adding:
        let steps = options.sequenceLength ?? 50
        guard steps >= 2 else {
            throw ConfigError(setting: "seq-len", problem: "the adding task marks a number in each half: at least 2 (got \(steps))")
        }
        return AddingSequences(steps: steps)
    case .copy: return CopySequences(delay: options.sequenceLength ?? 20)
    case .selectiveCopy: return try SelectiveCopySequences(steps: options.sequenceLength ?? SelectiveCopySequences.defaultSteps)
    case .sine: return SineSequences(steps: options.sequenceLength ?? 40)
    case .seed, .csv, .text: return nil
    }
}

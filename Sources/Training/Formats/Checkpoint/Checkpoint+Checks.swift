import RNNCore
import RNNData

/// What a checkpoint's header must satisfy before anything is computed from it: a
/// file with a right checksum can still be crafted, or written by a damaged program,
/// and its numbers become sizes, counts and indices.
extension Checkpoint {
    /// The largest step or update count a checkpoint may hold.
    static let maximumStep = RunSettings.maximumSteps

    static func check(_ header: Header, file: String) throws(InputError) {
        func refuse(_ field: String, _ problem: String) -> InputError { InputError(file: file, field: field, problem: problem) }
        func settingsCheck(_ field: String, _ body: () throws(ConfigError) -> Void) throws(InputError) {
            do throws(ConfigError) { try body() } catch { throw refuse(field, "\(error)") }
        }
        try settingsCheck("model") { () throws(ConfigError) in try header.model.validate() }
        try settingsCheck("settings") { () throws(ConfigError) in try header.settings.validate() }
        try settingsCheck("optimizer") { () throws(ConfigError) in try header.optimizer.validate() }
        guard (0...maximumStep).contains(header.step) else { throw refuse("step", "\(header.step) is not a step of a run") }
        guard header.epochs >= 0 && header.epochs <= Double(maximumStep) else { throw refuse("epochs", "\(header.epochs) is not a number of epochs") }
        guard (0...maximumStep).contains(header.optimizerSteps) else {
            throw refuse("optimizerSteps", "\(header.optimizerSteps) is not a number of updates")
        }
        if let steps = header.rollbackOptimizerSteps, !(0...maximumStep).contains(steps) {
            throw refuse("rollbackOptimizerSteps", "\(steps) is not a number of updates")
        }
        guard header.optimizerBuffers == header.optimizer.kind.stateNames else {
            throw refuse(
                "optimizerBuffers",
                "\(header.optimizerBuffers) are not the \(header.optimizer.kind.rawValue) optimizer's \(header.optimizer.kind.stateNames)")
        }
        if let interval = header.evaluationInterval, interval < 1 {
            throw refuse("evaluationInterval", "must be at least 1 (got \(interval))")
        }
        let expected = ParameterLayout(config: header.model).totalCount
        guard header.parameterCount == expected else {
            throw refuse("parameterCount", "\(header.parameterCount) values, but its model needs \(expected)")
        }
        if let carried = header.carriedState {
            let (perLayer, overflow) = carried.batch.multipliedReportingOverflow(by: header.model.hiddenSize)
            let (total, overflowAgain) = perLayer.multipliedReportingOverflow(by: header.model.layers)
            guard carried.batch >= 1, !overflow, !overflowAgain, carried.hidden.count == total,
                carried.cell.isEmpty || carried.cell.count == carried.hidden.count
            else { throw refuse("carriedState", "does not fit its model") }
        }
    }
}

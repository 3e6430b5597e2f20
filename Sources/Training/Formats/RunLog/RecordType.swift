/// The kinds of record a run log holds, each by the name its `"type"` field gives.
/// The writer and the reader take the names from here, and a test holds
/// schema/run-log.schema.json to the same list, so a new kind is one case here.
public enum RecordType: String, CaseIterable, Sendable {
    /// The first line: the run's model, task, settings and program.
    case run
    case step
    /// A validation's loss.
    case eval
    /// ‖∂L/∂h_t‖ per layer and time step.
    case gradientProfile = "grad_profile"
    /// Each parameter's gradient and weight norm.
    case parameterNorms = "param_norms"
    /// The probe sequence's hidden states, cell states, gates and ∂L/∂h_t.
    case probe
    /// Text a character model wrote.
    case sample
    /// A command, a change or a note; a checkpoint written is its own kind.
    case event, checkpoint
    /// The last line: why and at which step the run ended.
    case end
}

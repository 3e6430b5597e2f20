import ArgumentParser
import RNNCore
import RNNData

// The engine's and tasks' names are the command line's values (--cell lstm, ...).
extension CellKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ClipMode: ExpressibleByArgument {}
extension InitScheme: ExpressibleByArgument {}
extension TaskKind: ExpressibleByArgument {}
extension FillMethod: ExpressibleByArgument {}

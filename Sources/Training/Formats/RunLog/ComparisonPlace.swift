/// A run's place in the comparison it was trained in (`rnntop --cell rnn,lstm,gru`:
/// `lstm` is run 2 of 3), from its run record's `comparison`. The dashboard colours a
/// comparison's runs by their place; a log keeps it, so that `rnntop replay` and
/// `rnntop plot` show the runs in the same order, in the same colours.
///
/// ```swift
/// // run.gru.jsonl, run.lstm.jsonl, run.rnn.jsonl: as a shell lists them.
/// ComparisonPlace.order([.init(run: 3, of: 3), .init(run: 2, of: 3), .init(run: 1, of: 3)])  // [2, 1, 0]
/// ```
public struct ComparisonPlace: Sendable, Equatable {
    /// The run's number, from 1 (the first value of the compared lists).
    public let run: Int
    /// How many runs the comparison trained.
    public let runs: Int

    public init(run: Int, of runs: Int) {
        self.run = run
        self.runs = runs
    }

    /// The order to show runs in, as indices into `places`: their comparison's order
    /// when they are runs of one comparison, each place once (a shell lists
    /// `run.*.jsonl` alphabetically, `gru` before `rnn`); else the order given.
    public static func order(_ places: [ComparisonPlace?]) -> [Int] {
        let known = places.compactMap { $0 }
        guard known.count == places.count, Set(known.map(\.runs)).count == 1, Set(known.map(\.run)).count == known.count else {
            return Array(places.indices)
        }
        return places.indices.sorted { known[$0].run < known[$1].run }
    }
}

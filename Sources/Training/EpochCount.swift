/// How far a run is through its data, in whole steps: the epochs finished and the
/// steps taken of the one under way. Counted, not summed as a fraction, so that an
/// epoch ends on exactly its last step however long the run (a fraction of 1/97
/// summed 97 times is a rounding error short of 1).
///
/// A step's share of an epoch depends on the batch size; when it changes halfway
/// through an epoch, the steps already taken are rescaled to the new batch's steps
/// (to the nearest), so the share of the data seen carries over.
struct EpochCount: Equatable {
    private(set) var finished = 0
    /// Steps taken of the epoch under way.
    private(set) var stepsInto = 0
    /// Steps in the epoch under way at the present batch size.
    private(set) var stepsPerEpoch = 1

    init() {}

    /// The count a run had at `epochs` (as a checkpoint keeps it), with `stepsPerEpoch`
    /// steps to an epoch: the nearest whole step.
    init(epochs: Double, stepsPerEpoch: Int) {
        let perEpoch = max(stepsPerEpoch, 1)
        let steps = (max(epochs, 0) * Double(perEpoch)).rounded()
        let total = steps < Double(Int.max / 2) ? Int(steps) : Int.max / 2
        finished = total / perEpoch
        stepsInto = total % perEpoch
        self.stepsPerEpoch = perEpoch
    }

    /// Epochs done, with the fraction of the one under way (for records and charts).
    var epochs: Double { Double(finished) + Double(stepsInto) / Double(stepsPerEpoch) }

    /// Counts one step of an epoch of `stepsPerEpoch` steps; true when it ended an epoch.
    mutating func advance(stepsPerEpoch: Int) -> Bool {
        rescale(to: stepsPerEpoch)
        stepsInto += 1
        guard stepsInto >= self.stepsPerEpoch else { return false }
        finished += 1
        stepsInto = 0
        return true
    }

    /// Steps left until `epochs` whole epochs are done, at `stepsPerEpoch` steps to an
    /// epoch (0 when they are).
    func stepsUntil(epochs target: Int, stepsPerEpoch: Int) -> Int {
        var count = self
        count.rescale(to: stepsPerEpoch)
        guard target > count.finished else { return 0 }
        let (whole, overflow) = (target - count.finished).multipliedReportingOverflow(by: count.stepsPerEpoch)
        return overflow ? Int.max / 2 : min(whole - count.stepsInto, Int.max / 2)
    }

    private mutating func rescale(to perEpoch: Int) {
        let perEpoch = max(perEpoch, 1)
        guard perEpoch != stepsPerEpoch else { return }
        let share = Double(stepsInto) / Double(stepsPerEpoch)
        stepsInto = min(Int((share * Double(perEpoch)).rounded()), perEpoch - 1)
        stepsPerEpoch = perEpoch
    }
}

import Training

/// How old a panel's data is against the step on screen. A live run's probe lags
/// its steps by up to a third of a second; a log's gradient profile or probe may be
/// hundreds of steps old (another program writes them when it can afford to). A
/// panel whose data is from an earlier step says which in its title, and is drawn
/// dim once that is more than a tenth of the run so far: its verdict is that
/// step's, not the current one's.
struct DataAge {
    /// The step the data is from.
    let dataStep: Int
    /// The step the screen shows.
    let shownStep: Int

    var stepsAgo: Int { max(shownStep - dataStep, 0) }

    var isCurrent: Bool { stepsAgo == 0 }

    /// Older than a tenth of the run so far: the panel is drawn dim.
    var isOld: Bool { stepsAgo > 0 && stepsAgo > shownStep / 10 }

    /// "at step 1 · 1,499 steps ago"; empty for current data.
    var text: String {
        isCurrent ? "" : "at step \(Format.count(dataStep)) · \(Format.count(stepsAgo)) step\(stepsAgo == 1 ? "" : "s") ago"
    }

    /// "step 1, 1,499 ago", for a tight title; empty for current data.
    var shortText: String {
        isCurrent ? "" : "step \(Format.count(dataStep)), \(Format.count(stepsAgo)) ago"
    }

    /// The first of `titles` (longest first) that fits `width` characters, else the
    /// last: a title gives up its explanations before its facts.
    static func fitting(_ titles: [String], width: Int) -> String {
        titles.first { $0.count <= width } ?? titles.last ?? ""
    }
}

extension DataAge {
    /// The age of a snapshot's gradient profile (none yet has no age).
    init(profileOf snapshot: Snapshot) {
        self.init(dataStep: snapshot.hiddenGradientProfile.isEmpty ? snapshot.step : snapshot.hiddenGradientProfileStep, shownStep: snapshot.step)
    }

    /// The age of a snapshot's probe (none yet has no age).
    init(probeOf snapshot: Snapshot) {
        self.init(dataStep: snapshot.probe == nil ? snapshot.step : snapshot.probeStep, shownStep: snapshot.step)
    }
}

import TerminalUI
import Testing
import Training

@testable import rnntop

/// The dashboard's keys come from one table: every key does what its line says in
/// the modes it is for, every line is in that mode's help, no key is bound twice in a
/// mode, and the footer names only keys of the table.
@Suite struct KeyTableTests {
    @Test func everyKeyIsInTheHelpAndDoesWhatItsLineSays() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        for replay in [false, true] {
            let mode: KeyBinding.Modes = replay ? .replay : .live
            let help = KeyMap.helpLines(replay: replay)
            #expect(help.allSatisfy { $0.count <= 66 }, "the help fits an 80-column screen")
            // The body of an 80×24 screen (less header, message and footer rows) holds
            // the overlay and its border.
            #expect(help.count <= DashboardScreen.minimumHeight - 3 - 2, "the help fits 24 rows")
            var seen: [Key] = []
            for binding in KeyBinding.all where binding.modes.contains(mode) {
                #expect(help.contains { $0.contains("\(binding.label)  \(binding.help)") }, "\(binding.label) in the help")
                for (key, action) in binding.keys {
                    #expect(!seen.contains(key), "\(key) bound twice")
                    seen.append(key)
                    #expect(KeyMap.action(for: key, snapshot: snapshot, replay: replay) == action(snapshot), "\(key)")
                }
            }
        }
    }

    @Test func theFooterNamesTheTablesKeysMostWantedFirst() {
        let labels = Set(KeyBinding.all.compactMap { $0.footer?.keys })
        let live = KeyMap.footer(replay: false, runs: 1), compared = KeyMap.footer(replay: false, runs: 3)
        #expect(live.allSatisfy { labels.contains($0.0) })
        #expect(live.first?.0 == "space" && live.suffix(2).map(\.0) == ["?", "q"])
        #expect(!live.contains { $0.0 == "A" } && compared.prefix(3).map(\.0) == ["space", "1-3,.", "A"])
        let replay = KeyMap.footer(replay: true, runs: 1)
        #expect(replay.first?.0 == "←→" && !replay.contains { $0.0 == "+-" }, "a replay's footer has no training keys")
    }

    @Test func aTrainingKeyInAReplayIsFoundSoTheDashboardCanSayItIsForLiveRuns() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        #expect(KeyMap.action(for: .character("+"), snapshot: snapshot, replay: true) == .command(.adjust(.learningRate(times: 2))))
        #expect(KeyMap.action(for: .left, snapshot: snapshot, replay: true) == .replay(.by(-0.01)))
        #expect(KeyMap.action(for: .left, snapshot: snapshot, replay: false) == .move(dx: -1, dy: 0))
        #expect(KeyMap.action(for: .pageUp, snapshot: snapshot, replay: false) == nil)
    }
}

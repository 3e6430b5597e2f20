import Foundation
import RNNCore
import RNNData
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// The dashboard of a comparison drawn from real runs: a legend with every run, the
/// focused one marked; one gradient profile per run with its word; a table where
/// there is room; the header and the panels on the right for the focused run; and
/// without colour, runs told apart by their lines' dashes.
@Suite struct ComparisonScreenTests {
    /// The three cells on the adding problem, 30 steps each.
    static let runs: [ShownRun] = {
        [CellKind.rnn, .lstm, .gru].map { cell in
            let snapshot = try! DashboardScreenTests.snapshot(cell: cell, steps: 30)
            return ShownRun(name: cell.rawValue, snapshot: snapshot)
        }
    }()

    static func render(focus: Int = 0, width: Int, height: Int, theme: Theme = DashboardThemes.standard, color: Bool = true) -> Buffer {
        var view = ViewState()
        view.focusedRun = focus
        return DashboardScreen(
            snapshot: runs[focus].snapshot, view: view, theme: theme, context: RenderContext(unicode: true, color: color), now: 0,
            runs: runs
        ).render(width: width, height: height)
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func everyRunIsInTheLegendAndHasItsProfile(_ width: Int, _ height: Int) throws {
        let lines = Self.render(focus: 1, width: width, height: height).lines
        let screen = lines.joined(separator: "\n")
        #expect(lines[0].contains("▶ lstm (2/3)") && lines[0].contains("LSTM(64, tanh)"))
        let legend = try #require(lines.first { $0.contains("▶lstm") })
        #expect(legend.contains("rnn") && legend.contains("gru"))
        // Small multiples: each run's name and word in the gradient panel.
        for run in Self.runs {
            let profile = run.snapshot.hiddenGradientProfile[0]
            let word = Health(first: profile.first!, last: profile.last!).word
            #expect(lines.contains { $0.contains(" \(run.name) ") && $0.contains(word) } || lines.contains { $0.contains("▶\(run.name)") && $0.contains(word) }, "\(run.name)")
        }
        // The settings panel shows the focused run's cell.
        #expect(screen.contains("lstm 64"))
        #expect(lines.last!.contains("1-3,. run") && lines.last!.contains("A all"))
    }

    @Test func numbersCommasAndAPickRunsAndAngleBracketsStillPan() {
        let snapshot = Self.runs[0].snapshot
        func action(_ c: Character) -> Action? { KeyMap.action(for: .character(c), snapshot: snapshot) }
        #expect(action("1") == .pickRun(0) && action("8") == .pickRun(7))
        #expect(action("9") == nil, "nine runs are refused: no key for a ninth")
        #expect(action(",") == .cycleRun(-1) && action(".") == .cycleRun(1))
        #expect(action("A") == .toggleAllRuns)
        #expect(action("<") == .pan(-0.25) && action(">") == .pan(0.25))
        #expect(action("0") == .showWholeRun)
    }

    @Test func aTallPanelHasTheTableOfRuns() throws {
        let lines = Self.render(width: 200, height: 60).lines
        let header = try #require(lines.firstIndex { $0.contains("run") && $0.contains("best val") && $0.contains("seq/s") })
        for (offset, run) in Self.runs.enumerated() {
            let row = lines[header + 1 + offset]
            #expect(row.contains(run.name) && row.contains("30") && row.contains("done"), "\(row)")
        }
        #expect(lines[header + 1].contains("▶"), "the focused run's row is marked")
        #expect(!Self.render(width: 80, height: 24).lines.joined().contains("best val"), "no room at 80x24")
        #expect(!lines[header].contains("val acc"), "a regression has no accuracy")
    }

    @Test func aClassifiersTableSaysEachRunsValidationAccuracy() throws {
        // Chosen values: the table shows each run's latest validation, to three places.
        let classifiers = try [CellKind.rnn, .lstm, .gru].enumerated().map { index, cell in
            var snapshot = try DashboardScreenTests.snapshot(.selectiveCopy, cell: cell, steps: 30)
            snapshot.validationAccuracy = MetricHistory()
            snapshot.validationAccuracy.append(step: 10, value: 0.5)
            snapshot.validationAccuracy.append(step: 30, value: [0.125, 0.9876, 0.4][index])
            return ShownRun(name: cell.rawValue, snapshot: snapshot)
        }
        let lines = DashboardScreen(
            snapshot: classifiers[0].snapshot, view: ViewState(), theme: DashboardThemes.standard,
            context: RenderContext(unicode: true, color: true), now: 0, runs: classifiers
        ).render(width: 200, height: 60).lines
        let header = try #require(lines.firstIndex { $0.contains("best val") && $0.contains("val acc") })
        for (offset, expected) in ["0.125", "0.988", "0.400"].enumerated() {
            #expect(lines[header + 1 + offset].contains(" \(expected) "), "\(lines[header + 1 + offset])")
        }
    }

    @Test func eachMinCellRunSaysHowLongItsUnitsRemember() throws {
        // A min cell's profile row gives its units' memory horizons on its probe:
        // the median of -1/ln(mean decay), and the share longer than the sequence.
        // An LSTM has no decays, and no horizons.
        let runs = try [CellKind.lstm, .minGRU].map { cell in
            ShownRun(name: cell.rawValue, snapshot: try DashboardScreenTests.snapshot(.selectiveCopy, cell: cell, steps: 30))
        }
        let decays = try #require(runs[1].snapshot.probe?.decays.first)
        let horizons = (0..<decays.units).map { unit in
            -1 / log((0..<decays.steps).reduce(0.0) { $0 + Double(decays[unit, $1]) } / Double(decays.steps))
        }.sorted()
        let median = horizons[(horizons.count - 1) / 2]
        let longer = Int((Double(horizons.filter { $0 > Double(decays.steps) }.count) * 100 / Double(horizons.count)).rounded())
        let lines = DashboardScreen(
            snapshot: runs[0].snapshot, view: ViewState(), theme: DashboardThemes.standard,
            context: RenderContext(unicode: true, color: true), now: 0, runs: runs
        ).render(width: 200, height: 60).lines
        let minGRU = try #require(lines.first { $0.contains("mingru") && $0.contains("t1/tT") })
        let expected = String(format: median < 10 ? "%.1f" : "%.0f", median)
        #expect(minGRU.contains("horizon median \(expected), \(longer)% > \(decays.steps)│"), "right-aligned: \(minGRU)")
        let lstm = try #require(lines.first { $0.contains("lstm") && $0.contains("t1/tT") })
        #expect(!lstm.contains("horizon"))
    }

    @Test func withoutColourTheRunsDifferInTheirDashes() throws {
        let colored = Self.render(width: 120, height: 40)
        let plain = Self.render(width: 120, height: 40, color: false)
        let legend = try #require(plain.lines.first { $0.contains("▶rnn") })
        #expect(legend.contains("━ ▶rnn") && legend.contains("╍ lstm") && legend.contains("┈ gru"))
        #expect(colored.lines.first { $0.contains("▶rnn") }!.contains("━ lstm"))
        // The colours are the theme's [runs] palette.
        let theme = DashboardThemes.standard
        let legendRow = try #require(colored.lines.firstIndex { $0.contains("▶rnn") })
        let row = colored.lines[legendRow]
        let sample = try #require(row.range(of: "━ lstm"))
        #expect(colored[row.distance(from: row.startIndex, to: sample.lowerBound), legendRow].style.foreground == .rgb(theme.color("runs.2")))
    }

    /// Without colour, eight runs, the validation and the baseline are told apart by
    /// their legend samples and their dashes alone.
    @Test func withoutColourEightRunsTheValidationAndTheBaselineDiffer() {
        let palette = RunPalette(theme: DashboardThemes.standard, context: RenderContext(unicode: true, color: false))
        let samples = (0..<8).map(palette.sample)
        #expect(Set(samples + ["┄", "◆"]).count == 10, "\(samples)")
        let baseline = LineChart.Dash(on: 4, off: 2)
        let dashes = (0..<8).map(palette.dash)
        #expect(!dashes.contains(baseline) && Set(dashes.map { "\(String(describing: $0))" }).count == 8)
    }

    /// One run still training beside two that are done: the header says so, not the
    /// focused run's "done".
    @Test func theHeaderSaysHowManyRunsStillTrain() throws {
        let path = try Fixtures.write(([SyntheticLog.run] + SyntheticLog.steps(spikeAt: nil)).joined(separator: "\n") + "\n", named: "going.jsonl")
        let reader = try RunLogReader(path: path)
        try reader.update()
        let going = try #require(reader.run).snapshot(at: 1500)
        #expect(going.state == .running)
        let runs = Self.runs.prefix(2) + [ShownRun(name: "going", snapshot: going)]
        let header = DashboardScreen(snapshot: runs[0].snapshot, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0, runs: Array(runs))
            .render(width: 80, height: 24).lines[0]
        #expect(header.hasSuffix("● 1 of 3 running"), "\(header)")
    }

    /// One frame, one moment: the header's step is the focused run's row in the table,
    /// and each row's steps are that run's snapshot's, the snapshots the frame was
    /// drawn from.
    @Test func theHeaderAndTheTableAgree() throws {
        for focus in Self.runs.indices {
            let lines = Self.render(focus: focus, width: 200, height: 60).lines
            let step = try #require(lines[0].range(of: #"step [0-9,]+"#, options: .regularExpression).map { String(lines[0][$0].dropFirst(5)) })
            let row = try #require(lines.first { $0.contains("▶ \(Self.runs[focus].name) ") })
            #expect(row.contains(" \(step) "), "\(row) against the header's \(step)")
            #expect(step == Format.count(Self.runs[focus].snapshot.step))
        }
    }
}

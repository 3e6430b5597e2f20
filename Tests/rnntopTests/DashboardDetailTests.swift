import Foundation
import RNNCore
import RNNData
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// The dashboard's details, each once a rough edge: rates that say what the run is
/// doing, settings written one way, the heatmap's scales and marks, names in the
/// header, and series told apart without colour.
@Suite struct DashboardDetailTests {
    static func render(_ snapshot: Snapshot, width: Int = 120, height: Int = 40, view: ViewState = ViewState(), theme: Theme = DashboardThemes.standard)
        -> Buffer
    {
        DashboardScreen(snapshot: snapshot, view: view, theme: theme, context: .full, now: 0).render(width: width, height: height)
    }

    /// A run stopped by pauses at `step`.
    static func paused(at step: Int, change: (inout TaskDefaults) -> Void = { _ in }) throws -> Snapshot {
        var generator = RandomGenerator(seed: 1)
        var training = try makeTask(TaskOptions(kind: .adding), generator: &generator).defaults
        training.length = .steps(1000)
        change(&training)
        let session = try Session(
            settings: RunSettings(task: TaskOptions(kind: .adding), training: training, seed: 1),
            options: SessionOptions(startPaused: true))
        session.start()
        for _ in 0..<step { session.send(.step) }
        let deadline = Date().addingTimeInterval(60)
        while session.snapshot.step < step && Date() < deadline { usleep(1000) }
        defer { session.send(.quit) }
        return session.snapshot
    }

    @Test func aPausedRunShowsPausedAndNoRate() throws {
        let header = Self.render(try Self.paused(at: 3)).lines[0]
        #expect(header.hasSuffix("● paused") && !header.contains("seq/s"), "\(header)")
    }

    @Test func aFinishedRunShowsItsAverageRate() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        #expect(snapshot.sequencesPerSecond > 0)
        let header = Self.render(snapshot, width: 160).lines[0]
        #expect(header.contains("avg \(Format.rate(perSecond: snapshot.sequencesPerSecond)) seq/s"), "\(header)")
    }

    @Test func smallLossesAreWrittenInScientificNotation() {
        #expect(format(1e-5) == "1.0e-05" && format(0.0912) == "0.0912")
        #expect(Format.short(2.5e-4) == "2.5e-4" && Format.short(0.1945) == "0.195" && Format.short(1.2e5) == "1.2e5")
    }

    @Test func aClipThresholdIsWrittenOneWayAndTurnsOffAtOnce() throws {
        #expect(Float(1).settingText == "1" && Float(0.5).settingText == "0.5" && Float(0.00012207031).settingText == "1.22e-4")
        #expect(GradientClipping(mode: .norm, threshold: 0.25).text == "norm 0.25")
        let snapshot = try DashboardScreenTests.snapshot()
        let screen = Self.render(snapshot, width: 160).lines.joined(separator: "\n")
        #expect(screen.contains("clip norm 1") && screen.contains("clip      norm 1"))
        // [ and ] step the run's own threshold (the loop applies them); \ turns it off.
        #expect(KeyMap.action(for: .character("["), snapshot: snapshot) == .command(.adjust(.clipping(up: false))))
        #expect(KeyMap.action(for: .character("\\"), snapshot: snapshot) == .command(.setClipping(threshold: 0, mode: nil)))
    }

    @Test func gradientMagnitudesUseTheSequentialScale() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        var view = ViewState()
        view.heatmapMode = HeatmapPanel.modes(of: snapshot.model).firstIndex(of: "∂L/∂h")!
        let buffer = Self.render(snapshot, view: view)
        let theme = DashboardThemes.standard
        // The legend's colour bar runs from the sequential map's first colour.
        let legendRow = try #require(buffer.lines.firstIndex { $0.contains("│1e-") && $0.contains(" 1e") })
        let start = try #require((0..<buffer.width).first { buffer[$0, legendRow].style.background == .rgb(theme.sequential.color(at: 0)) })
        #expect(start > 72, "the bar sits in the heatmap panel")
    }

    @Test func thePickedUnitsRowIsMarked() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        var view = ViewState()
        view.focus = .heatmap
        view.unit = 9
        func marked(_ unit: Int) -> [Int] {
            view.unit = unit
            return Self.render(snapshot, view: view).lines.enumerated().filter { $0.element.contains("│▶") }.map(\.offset)
        }
        let top = try #require(Self.render(snapshot, view: view).lines.firstIndex { $0.contains("┌ h ") })
        #expect(marked(0) == [top + 1], "the first unit on the map's first row")
        let last = marked(63)
        #expect(last.count == 1 && last[0] > top + 10, "the last unit near the bottom of the map")
        let middle = marked(9)
        #expect(middle.count == 1 && middle[0] > top + 1 && middle[0] < last[0])
        #expect(Self.render(snapshot, view: view).lines.contains { $0.contains("unit 10: ") })
    }

    @Test func saturationIsExplainedWhereThereIsRoom() throws {
        let snapshot = try DashboardScreenTests.snapshot(cell: .lstm)
        var view = ViewState()
        view.heatmapMode = 2
        #expect(Self.render(snapshot, width: 200, height: 60, view: view).lines.joined().contains("(sat: share of units near 0 or 1)"))
        #expect(DashboardScreenTests.render(snapshot, view: view).joined().contains("sat "))
        #expect(KeyMap.helpLines(replay: false).contains { $0.hasPrefix("sat:") })
    }

    /// A min cell's decays: a mode of their own, titled with the horizons they give
    /// (here computed from the probe the run took), and a picked unit's own horizon.
    @Test func theDecaySpectrumIsTitledWithTheUnitsHorizons() throws {
        let snapshot = try DashboardScreenTests.snapshot(cell: .minGRU)
        let modes = HeatmapPanel.modes(of: snapshot.model)
        #expect(modes == ["h", "gate z", "gate h", "decay", "∂L/∂h"])
        var view = ViewState()
        view.heatmapMode = modes.firstIndex(of: "decay")!
        let probe = try #require(snapshot.probe)
        let horizons = MemoryHorizons(decays: probe.decays[0])
        let median = horizons.median < 10 ? String(format: "%.1f", horizons.median) : Format.count(Int(horizons.median.rounded()))
        let share = Int((horizons.shareLongerThanSequence * 100).rounded())
        let wide = Self.render(snapshot, width: 200, height: 60, view: view).lines.joined(separator: "\n")
        #expect(wide.contains("decay  64 units × 50 steps") && wide.contains("horizon median \(median), \(share)% > 50"), "\(wide)")
        view.unit = 0
        let unit = horizons.steps[0] < 10 ? String(format: "%.1f", horizons.steps[0]) : Format.count(Int(horizons.steps[0].rounded()))
        #expect(Self.render(snapshot, width: 200, height: 60, view: view).lines.joined().contains("unit 1: \(unit)"))
        #expect(DashboardScreenTests.render(snapshot).first?.contains("minGRU(64)") == true)
        // At 80x24 the title keeps the median horizon and the probe's step.
        view.unit = nil
        let narrow = DashboardScreenTests.render(snapshot, view: view).joined(separator: "\n")
        #expect(narrow.contains("decay  horizon \(median)  step 40"), "\(narrow)")
    }

    @Test func aHeatmapPanelTooShortForTheMapSaysSo() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        var buffer = Buffer(width: 60, height: 4)
        HeatmapPanel(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, focused: false, replay: nil)
            .render(into: &buffer, area: buffer.area, context: .full)
        #expect(buffer.lines[1].contains("no room for the map: a taller window shows it"), "\(buffer.lines)")
        // A narrow panel says it on two lines.
        var narrow = Buffer(width: 30, height: 4)
        HeatmapPanel(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, focused: false, replay: nil)
            .render(into: &narrow, area: narrow.area, context: .full)
        #expect(narrow.lines[1].contains("no room for the map:") && narrow.lines[2].contains("a taller window shows it"), "\(narrow.lines)")
    }

    @Test func aWideWindowIsUsedInFull() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        let buffer = Self.render(snapshot, width: 160, height: 48)
        let lines = buffer.lines
        let top = try #require(lines.firstIndex { $0.contains("┌ h ") })
        let row = Array(lines[top + 1].unicodeScalars)
        let left = row.firstIndex { $0 == "▀" }!, right = row.lastIndex { $0 == "▀" }!
        let border = row.lastIndex { $0 == "│" }!
        #expect(right == border - 1 && row[left - 1] == "│", "the heatmap fills its panel: \(lines[top + 1])")
        let bars = try #require(lines.firstIndex { $0.contains("┌ ∂L/∂h_t") })
        let lastBar = Array(lines[bars + 3].unicodeScalars)
        #expect(lastBar[lastBar.lastIndex { $0 == "│" }! - 1] != " ", "the last step's bar reaches the right edge")
    }

    @Test func theHeaderNamesTheDataFileAndColumn() throws {
        #expect(TaskOptions(kind: .csv, dataPath: "/data/sunspots.csv", columns: ["SUNACTIVITY"]).title == "csv sunspots.csv: SUNACTIVITY")
        var generator = RandomGenerator(seed: 1)
        let csv = try makeTask(TaskOptions(kind: .csv, dataPath: Fixtures.data("sunspots.csv")), generator: &generator)
        #expect(csv.title == "csv sunspots.csv: SUNACTIVITY")
        let text = try makeTask(TaskOptions(kind: .text, dataPath: Fixtures.data("hamlet.txt")), generator: &generator)
        #expect(text.title == "text hamlet.txt")
        #expect(makeAdding().title == "adding")
    }

    private func makeAdding() -> any TrainingTask {
        var generator = RandomGenerator(seed: 1)
        return try! makeTask(TaskOptions(kind: .adding), generator: &generator)
    }

    @Test func withoutColourEachSeriesHasItsOwnLook() throws {
        let mono = try DashboardThemes.catalog(userDirectory: nil, shippedDirectory: nil).load("mono")
        let snapshot = try DashboardScreenTests.snapshot(steps: 300)
        let context = RenderContext(unicode: true, color: false)
        let buffer = DashboardScreen(snapshot: snapshot, view: ViewState(), theme: mono, context: context, now: 0).render(width: 120, height: 40)
        // In the plot: the raw band dim, the smoothed line bold.
        let lossRows = 2..<18
        let braille = lossRows.flatMap { y in (0..<72).map { buffer[$0, y] } }.filter { $0.character.value > 0x2800 && $0.character.value <= 0x28FF }
        #expect(braille.contains { $0.style.attributes == .dim } && braille.contains { $0.style.attributes == .bold })
        // In the legend, each key in its series' attribute, validation with its own glyph.
        let legendRow = try #require(buffer.lines.firstIndex { $0.contains("━ ") && $0.contains("raw") })
        func key(_ glyph: Unicode.Scalar) -> Style.Attributes? {
            (0..<buffer.width).first { buffer[$0, legendRow].character == glyph }.map { buffer[$0, legendRow].style.attributes }
        }
        #expect(key("━") == .bold && key("⣿") == .dim && key("◆") != nil)
        #expect(buffer.lines.joined().contains("◆"), "validation's points are marked in the plot too")
    }

    @Test func theSvgOfTheScreenDrawsItsGlyphs() throws {
        let snapshot = try DashboardScreenTests.snapshot()
        let theme = DashboardThemes.standard
        let screen = Self.render(snapshot, width: 80, height: 24)
        let svg = ScreenSVG.document(screen, foreground: theme.foreground, background: theme.background)
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"480\""))
        #expect(svg.contains("<circle") && svg.contains(">l</text>") && svg.hasSuffix("</svg>\n"))
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent(ScreenExport.fileName(step: 40, date: Date(timeIntervalSince1970: 0))).path
        #expect(path.hasSuffix("rnntop-step-40-19700101-000000.svg"))
        try ScreenExport.write(screen, theme: theme, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == svg)
    }
}

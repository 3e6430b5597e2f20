import Foundation
import RNNCore
import RNNData
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// Each shipped theme on the real screen: every character of text is legible against
/// what is behind it (WCAG contrast 4.5, 7 in high-contrast), chart lines stand out
/// (3, WCAG's figure for graphics), and mono carries no colour at all. Also the `t`
/// key's cycle through the catalog, and the command line's `--theme` and `themes`.
@Suite struct ThemeScreenTests {
    static let catalog = DashboardThemes.catalog(
        userDirectory: nil, shippedDirectory: Fixtures.packageRoot.appendingPathComponent("themes").path)

    /// Screens that between them use every colour role: a finished run, the LSTM's
    /// gates, a refused command on the message line, the help, a focused panel, and
    /// the text task's sample.
    static func screens(_ theme: Theme) throws -> [Buffer] {
        let rnn = try DashboardScreenTests.snapshot(), lstm = try DashboardScreenTests.snapshot(cell: .lstm)
        let text = try DashboardScreenTests.snapshot(.text, steps: 20)
        var message = ViewState()
        message.message = ("truncation: only the text task has windows", 10)
        message.focus = .heatmap
        var gates = ViewState()
        gates.heatmapMode = 2
        var help = ViewState()
        help.showHelp = true
        let context = RenderContext(unicode: true, color: !theme.monochrome)
        return [
            (rnn, message, 80, 24), (lstm, gates, 80, 24), (rnn, help, 80, 24), (text, ViewState(), 120, 40),
        ].map { snapshot, view, width, height in
            DashboardScreen(snapshot: snapshot, view: view, theme: theme, context: context, now: 0).render(width: width, height: height)
        }
    }

    static func isGraphic(_ character: Unicode.Scalar) -> Bool {
        (0x2500...0x259F).contains(character.value) || (0x2800...0x28FF).contains(character.value)
    }

    @Test(arguments: ["default", "light", "high-contrast", "colorblind", "phosphor"])
    func everyTextColourIsLegibleOnItsBackground(_ name: String) throws {
        let theme = try Self.catalog.load(name)
        let least = name == "high-contrast" ? 7.0 : 4.5
        var textCells = 0
        for buffer in try Self.screens(theme) {
            for y in 0..<buffer.height {
                for x in 0..<buffer.width {
                    let cell = buffer[x, y]
                    // Nothing is left in the terminal's own colours, which the theme cannot know.
                    guard case .rgb(let background) = cell.style.background else {
                        Issue.record("\(name): cell (\(x), \(y)) has the terminal's background")
                        continue
                    }
                    if cell.character == " " || cell.style.attributes.contains(.dim) { continue }
                    guard case .rgb(let foreground) = cell.style.foreground else {
                        Issue.record("\(name): '\(cell.character)' at (\(x), \(y)) has the terminal's foreground")
                        continue
                    }
                    let contrast = foreground.contrast(with: background)
                    if (0x2800...0x28FF).contains(cell.character.value) {
                        #expect(contrast >= 3, "\(name): chart line \(foreground.hex) on \(background.hex) at (\(x), \(y))")
                    } else if !Self.isGraphic(cell.character) {
                        textCells += 1
                        #expect(
                            contrast >= least,
                            "\(name): '\(cell.character)' \(foreground.hex) on \(background.hex) at (\(x), \(y)): \(contrast)")
                    }
                }
            }
        }
        #expect(textCells > 1000)
        // Colours the screens above may not show (states not reached): checked by role.
        for (role, color) in [("running", theme.running), ("paused", theme.paused), ("diverged", theme.diverged)] {
            #expect(color.contrast(with: theme.background) >= least, "\(name) \(role)")
        }
    }

    @Test func monoHasNoColourAnywhere() throws {
        let mono = try Self.catalog.load("mono")
        for buffer in try Self.screens(mono) {
            for y in 0..<buffer.height {
                for x in 0..<buffer.width {
                    #expect(buffer[x, y].style.foreground == .terminalDefault && buffer[x, y].style.background == .terminalDefault)
                }
            }
        }
    }

    @Test func tCyclesThroughTheCatalogAndPassesOverABrokenTheme() throws {
        let user = try Fixtures.temporaryFolder()
        let broken = user.appendingPathComponent("broken.toml")
        try "[series]\ntrain = \"#12345\"\n".write(to: broken, atomically: true, encoding: .utf8)
        let catalog = DashboardThemes.catalog(userDirectory: user.path, shippedDirectory: Self.catalog.shippedDirectory)
        var cycle = ThemeCycle(catalog: catalog, current: try catalog.load("default"))

        let failure = cycle.advance()
        let error = try #require(failure)
        #expect(error.description == "broken.toml: line 2: key 'series.train': '#12345' is not a #rrggbb colour")
        #expect(cycle.current.name == "default")

        var seen: [String] = []
        for _ in 0..<6 {
            let failure = cycle.advance()
            #expect(failure == nil)
            seen.append(cycle.current.name)
        }
        #expect(seen == ["colorblind", "high-contrast", "light", "mono", "phosphor", "default"])

        // A theme is read when it comes up: the mended file shows on the next round.
        try "[series]\ntrain = \"#123456\"\n".write(to: broken, atomically: true, encoding: .utf8)
        let mended = cycle.advance()
        #expect(mended == nil)
        #expect(cycle.current.name == "broken" && cycle.current.train == RGB(0x12, 0x34, 0x56))
    }

    @Test func aThemeFromAPathStartsTheCycleAtTheFirstTheme() throws {
        let path = try Fixtures.write("[colors]\nbackground = \"#000000\"\n", named: "mine.toml")
        var cycle = ThemeCycle(catalog: Self.catalog, current: try Self.catalog.load(path))
        #expect(cycle.current.name == "mine")
        let failure = cycle.advance()
        #expect(failure == nil && cycle.current.name == "default")
    }

    @Test func aBadThemeOnTheCommandLineExits2BeforeTraining() throws {
        let path = try Fixtures.write("description = \"dusk\"\n\n[colors]\nforeground = \"blue-ish\"\n", named: "dusk.toml")
        let bad = try CommandRunner.run(["--task", "sine", "--steps", "50", "--headless", "--theme", path])
        #expect(bad.status == 2)
        #expect(bad.standardError == "rnntop: \(path): line 4: key 'colors.foreground': 'blue-ish' is not a #rrggbb colour\n")

        let unknown = try CommandRunner.run(["--task", "sine", "--steps", "50", "--headless", "--theme", "solarised"])
        #expect(unknown.status == 2 && unknown.standardError.contains("no theme named 'solarised'"))

        let good = try CommandRunner.run(["--task", "sine", "--steps", "50", "--headless", "--theme", "light"])
        #expect(good.status == 0)
    }

    @Test func themesPrintsAThemeToCopy() throws {
        let printed = try CommandRunner.run(["themes", "colorblind"])
        #expect(printed.status == 0)
        let file = try String(contentsOfFile: Self.catalog.shippedDirectory! + "/colorblind.toml", encoding: .utf8)
        #expect(printed.standardOutput == file)
        let unknown = try CommandRunner.run(["themes", "solarised"])
        #expect(unknown.status == 2 && unknown.standardError.contains("no theme named 'solarised'"))
    }

    @Test func themesListsEveryThemeAndWhereItCameFrom() throws {
        let config = try Fixtures.temporaryFolder()
        let folder = config.appendingPathComponent("rnntop/themes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "description = \"my \\u001b[31mlight\"\n".write(to: folder.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        let outcome = try CommandRunner.run(["themes"], environment: ["XDG_CONFIG_HOME": config.path])
        #expect(outcome.status == 0)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines[0] == "yours:   \(folder.path)")
        #expect(lines[1] == "shipped: \(Self.catalog.shippedDirectory!)")
        let rows = lines.dropFirst(2)
        #expect(rows.map { String($0.prefix { $0 != " " }) } == ["default", "colorblind", "high-contrast", "light", "mono", "phosphor"])
        #expect(rows.contains { $0.hasPrefix("default        shipped   dark: ") })
        // The user's description is shown with its escape character made visible.
        #expect(rows.contains { $0.hasPrefix("light          user      my \\u{1B}[31mlight (hides the shipped one)") })
    }
}

import Foundation
import TestSupport
import Testing

@testable import TerminalUI

/// Theme files: the shipped ones read whole and match the copies built into the
/// binary, a user's partial theme keeps the default's other colours, every mistake
/// in a file is named by file, line and key, and names resolve in the right order.
@Suite struct ThemeTests {
    static let shippedFolder = Fixtures.packageRoot.appendingPathComponent("themes").path
    static let shippedNames = ["colorblind", "default", "high-contrast", "light", "mono", "phosphor"]

    static func parse(_ source: String, file: String = "t.toml") throws(ThemeError) -> Theme {
        try ThemeFile.parse(source, name: "t", file: file, base: .standard)
    }

    /// The error a source gives (nil when it parses).
    static func error(_ source: String) -> ThemeError? {
        do {
            _ = try parse(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func theShippedThemesAreTheBuiltInCopies() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.shippedFolder).filter { $0.hasSuffix(".toml") }
        #expect(files.map { String($0.dropLast(5)) }.sorted() == Self.shippedNames)
        #expect(BuiltInThemes.sources.keys.sorted() == Self.shippedNames)
        for name in Self.shippedNames {
            let file = try String(contentsOfFile: Self.shippedFolder + "/\(name).toml", encoding: .utf8)
            #expect(file == BuiltInThemes.sources[name]! + "\n", "\(name).toml differs from its built-in copy: run Scripts/embed-themes.sh")
        }
    }

    @Test func everyShippedThemeReadsWithItsOwnColours() throws {
        let catalog = ThemeCatalog(userDirectory: nil, shippedDirectory: Self.shippedFolder)
        var backgrounds: Set<RGB> = []
        for name in Self.shippedNames {
            let theme = try catalog.load(name)
            #expect(theme.name == name && !theme.summary.isEmpty)
            #expect(theme.monochrome == (name == "mono"))
            if !theme.monochrome { backgrounds.insert(theme.background) }
        }
        // Each colour theme sets its own background (none silently left at the default's).
        #expect(backgrounds.count == Self.shippedNames.count - 1)
        let colorblind = try catalog.load("colorblind")
        #expect(colorblind.sequential.stops.count == 6 && colorblind.diverging.stops[0].b > colorblind.diverging.stops[0].r)
    }

    /// Most terminals show the nearest xterm-256 colour, not the theme's own: text
    /// must stay legible after that rounding too.
    @Test func textStaysLegibleInTheXterm256Colours() throws {
        func shown(_ color: RGB) -> RGB {
            let index = Palette.xterm256(color)
            if index >= 232 {
                let level = UInt8(8 + (index - 232) * 10)
                return RGB(level, level, level)
            }
            let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
            let cube = index - 16
            return RGB(levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        }
        let catalog = ThemeCatalog(userDirectory: nil, shippedDirectory: Self.shippedFolder)
        for name in Self.shippedNames where name != "mono" {
            let theme = try catalog.load(name)
            let roles = [
                theme.foreground, theme.muted, theme.title, theme.highlight, theme.train, theme.smoothed, theme.validation,
                theme.baseline, theme.clip, theme.running, theme.paused, theme.diverged,
            ]
            for color in roles {
                #expect(shown(color).contrast(with: shown(theme.background)) >= 4.5, "\(name): \(color.hex)")
            }
        }
    }

    @Test func aPartialThemeKeepsTheDefaultsOtherColours() throws {
        let theme = try Self.parse(
            """
            [colors]
            background = "#FFFFFF"
            [heatmap]
            sequential = ["#000000", "#808080", "#ffffff"]
            """)
        #expect(theme.background == RGB(255, 255, 255))
        #expect(theme.sequential.stops == [RGB(0, 0, 0), RGB(128, 128, 128), RGB(255, 255, 255)])
        var expected = Theme.standard
        expected.name = "t"
        expected.summary = ""
        expected.background = theme.background
        expected.sequential = theme.sequential
        #expect(theme == expected)
        #expect(
            try Self.parse("") == {
                var t = Theme.standard
                t.name = "t"
                t.summary = ""
                return t
            }())
    }

    @Test func dottedAndQuotedKeysWork() throws {
        let theme = try Self.parse(
            """
            series.train = "#010203"
            [states]
            "paused" = "#040506"
            """)
        #expect(theme.train == RGB(1, 2, 3) && theme.paused == RGB(4, 5, 6))
    }

    @Test(arguments: [
        ("[colors]\nbackground = \"#12345\"\n", 2, "colors.background", "'#12345' is not a #rrggbb colour"),
        ("# mine\n[series]\n\ntrain = \"blue-ish\"\n", 4, "series.train", "'blue-ish' is not a #rrggbb colour"),
        ("[series]\ntrain = \"#+12345\"\n", 2, "series.train", "is not a #rrggbb colour"),
        ("[series]\ntrain = 12\n", 2, "series.train", "expected a colour in quotes"),
        ("[colors]\nbackgrund = \"#000000\"\n", 2, "colors.backgrund", "unknown key"),
        ("description = \"x\"\nfont = \"mono\"\n", 2, "font", "unknown key"),
        ("monochrome = \"yes\"\n", 1, "monochrome", "expected true or false"),
        ("colors = 3\n", 1, "colors", "expected a table"),
        ("[heatmap]\ndiverging = [\"#000000\", \"#ffffff\"]\n", 2, "heatmap.diverging", "3 colours"),
        ("[heatmap]\nsequential = [\"#000000\", \"#ffffff\"]\n", 2, "heatmap.sequential", "3 to 9 colours, not 2"),
        ("[heatmap]\nsequential = [\"#000000\", \"#111111\", \"nope\"]\n", 2, "heatmap.sequential", "'nope' is not a #rrggbb colour"),
        ("[colors]\nbackground = = \"#000000\"\n", 2, "colors.background", "not valid TOML"),
        ("[colors\nbackground = \"#000000\"\n", 1, "colors", "not valid TOML"),
    ])
    func aMistakeIsNamedByLineAndKey(_ source: String, _ line: Int, _ key: String, _ problem: String) throws {
        let error = try #require(Self.error(source))
        #expect(error.file == "t.toml" && error.line == line && error.key == key)
        #expect(error.problem.contains(problem), "\(error)")
        #expect(error.description.hasPrefix("t.toml: line \(line): key '\(key)': "))
    }

    @Test func theFirstMistakeInTheFileIsTheOneReported() throws {
        // TOML tables come back in key order ("series" after "colors"): the file's order wins.
        let error = try #require(Self.error("[series]\ntrain = \"x\"\n[colors]\nmuted = \"y\"\n"))
        #expect(error.line == 2 && error.key == "series.train")
    }

    @Test func withoutABaseEveryKeyIsRequired() throws {
        #expect(throws: ThemeError.self) { try ThemeFile.parse("[colors]\nbackground = \"#000000\"\n", name: "x", file: "x.toml", base: nil) }
    }

    @Test func namesResolveInTheUsersFolderThenTheShippedOneThenTheBuiltIns() throws {
        let user = try Fixtures.temporaryFolder()
        try "description = \"mine\"\n[colors]\nbackground = \"#ffffff\"\n".write(
            to: user.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "[colors\n".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(userDirectory: user.path, shippedDirectory: Self.shippedFolder)
        let entries = catalog.entries
        #expect(entries.map(\.name) == ["default", "broken", "colorblind", "high-contrast", "light", "mono", "phosphor"])
        let light = try #require(entries.first { $0.name == "light" })
        #expect(light.origin == .user(path: user.path + "/light.toml"))
        #expect(light.hidden == [.shipped(path: Self.shippedFolder + "/light.toml"), .builtIn])
        #expect(try catalog.load("light").summary == "mine")
        #expect(try catalog.load("light").foreground == Theme.standard.foreground)
        #expect(throws: ThemeError.self) { try catalog.load("broken") }

        let alone = ThemeCatalog(userDirectory: "/nonexistent", shippedDirectory: nil)
        #expect(alone.entries.map(\.name) == ["default"] + Self.shippedNames.filter { $0 != "default" })
        #expect(alone.entries.allSatisfy { $0.origin == .builtIn })
        #expect(try alone.load("phosphor") == catalog.load("phosphor"))
    }

    @Test func anUnknownNameListsTheThemesThereAre() throws {
        let catalog = ThemeCatalog(userDirectory: nil, shippedDirectory: nil)
        #expect {
            try catalog.load("solarised")
        } throws: { error in
            let text = (error as? ThemeError)?.description ?? ""
            return text.contains("no theme named 'solarised'") && text.contains("colorblind, high-contrast")
        }
    }

    @Test func aPathIsReadAsAFileAndItsProblemsNameIt() throws {
        let folder = try Fixtures.temporaryFolder()
        let catalog = ThemeCatalog(userDirectory: nil, shippedDirectory: nil)
        let good = folder.appendingPathComponent("dusk.toml")
        try "[states]\nrunning = \"#00ff00\"\n".write(to: good, atomically: true, encoding: .utf8)
        let dusk = try catalog.load(good.path)
        #expect(dusk.name == "dusk" && dusk.running == RGB(0, 255, 0))

        func problem(_ reference: String) -> String {
            do {
                _ = try catalog.load(reference)
                return ""
            } catch {
                return error.description
            }
        }
        #expect(problem(folder.path + "/missing.toml") == folder.path + "/missing.toml: no such file")
        #expect(problem(folder.path + "/") == folder.path + "/: is a folder")
        let latin1 = folder.appendingPathComponent("latin1.toml")
        try Data([0x23, 0x20, 0xE9, 0x0A]).write(to: latin1)
        #expect(problem(latin1.path) == latin1.path + ": not UTF-8 text")
    }

    @Test func theUsersFolderFollowsXdg() {
        let shipped = ThemeCatalog.standard(environment: ["HOME": "/home/ada"])
        #expect(shipped.userDirectory == "/home/ada/.config/rnntop/themes")
        #expect(ThemeCatalog.standard(environment: ["HOME": "/home/ada", "XDG_CONFIG_HOME": "/cfg"]).userDirectory == "/cfg/rnntop/themes")
        #expect(ThemeCatalog.standard(environment: [:]).userDirectory == nil)
        // The tests run from .build inside the checkout: the checkout's themes/ is found.
        #expect(shipped.shippedDirectory == Self.shippedFolder)
    }
}

import Foundation
import TestSupport
import Testing

@testable import TerminalUI

/// Theme files: a partial theme keeps its base's other colours, a program's own
/// colour tables (roles) are read beside `[colors]` and `[heatmap]`, every mistake in
/// a file is named by file, line and key, and names resolve in the right order.
@Suite struct ThemeTests {
    /// A program's roles, as an application hands them to the library.
    static let roles = ThemeRoles([.init("series", ["train", "validation"]), .init("states", ["running", "paused"])])

    /// A complete base theme and two others, as a program would build them in.
    static let builtIn = [
        "default": """
            description = "the base"
            [colors]
            background = "#101010"
            foreground = "#e0e0e0"
            muted = "#909090"
            border = "#505050"
            title = "#80c0ff"
            highlight = "#ffd060"
            [series]
            train = "#5080b0"
            validation = "#ff9050"
            [states]
            running = "#80d090"
            paused = "#ffd060"
            [heatmap]
            diverging = ["#3070d0", "#202020", "#e06040"]
            sequential = ["#440154", "#21908d", "#fde725"]
            """,
        "light": "description = \"light\"\n[colors]\nbackground = \"#fafafa\"\nforeground = \"#202020\"\n",
        "mono": "description = \"no colour\"\nmonochrome = true\n",
    ]

    static let base: Theme = try! ThemeFile.parse(builtIn["default"]!, name: "default", file: "default.toml", base: nil, roles: roles)

    static func catalog(user: String? = nil, shipped: String? = nil) -> ThemeCatalog {
        ThemeCatalog(userDirectory: user, shippedDirectory: shipped, builtIn: builtIn, base: base, roles: roles)
    }

    static func parse(_ source: String, file: String = "t.toml") throws(ThemeError) -> Theme {
        try ThemeFile.parse(source, name: "t", file: file, base: base, roles: roles)
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

    @Test func theBaseThemeSetsEveryRole() {
        #expect(Self.base.roles == [
            "series.train": RGB(0x50, 0x80, 0xb0), "series.validation": RGB(0xff, 0x90, 0x50),
            "states.running": RGB(0x80, 0xd0, 0x90), "states.paused": RGB(0xff, 0xd0, 0x60),
        ])
        #expect(Self.base.color("series.train") == RGB(0x50, 0x80, 0xb0))
        #expect(Self.base.sequential.stops.count == 3 && Self.base.summary == "the base")
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
        var expected = Self.base
        expected.name = "t"
        expected.summary = ""
        expected.background = theme.background
        expected.sequential = theme.sequential
        #expect(theme == expected)
        #expect(
            try Self.parse("") == {
                var t = Self.base
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
        #expect(theme.color("series.train") == RGB(1, 2, 3) && theme.color("states.paused") == RGB(4, 5, 6))
    }

    /// Every mistake names its line and key: a value the theme cannot use, TOML that
    /// is not, and a thing TOML defines once defined twice (a key, a table's header, a
    /// key added to an inline table or under a value).
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
        ("[colors]\nmuted = \"#000000\"\nmuted = \"#111111\"\n", 3, "colors.muted", "'muted' is defined twice"),
        ("[colors]\n[series]\n[colors]\n", 3, "colors", "a table is defined twice"),
        ("colors = { muted = \"#000000\" }\n[colors]\n", 2, "colors", "an inline table cannot be added to"),
        ("colors = { muted = \"#000000\" }\ncolors.title = \"#000000\"\n", 2, "colors.title", "an inline table cannot be added to"),
        ("description = \"x\"\ndescription.more = \"y\"\n", 2, "description.more", "'description' is a value, not a table"),
        ("colors.muted = \"#000000\"\n[colors]\nmuted = \"#000000\"\n", 3, "colors.muted", "'muted' is defined twice"),
    ])
    func aMistakeIsNamedByLineAndKey(_ source: String, _ line: Int, _ key: String, _ problem: String) throws {
        let error = try #require(Self.error(source))
        #expect(error.file == "t.toml" && error.line == line && error.key == key)
        #expect(error.problem.contains(problem), "\(error)")
        #expect(error.description.hasPrefix("t.toml: line \(line): key '\(key)': "))
    }

    /// Documents that made the TOML library rnntop used before (TOMLKit) assert, and the
    /// program end, found by fuzzing: each is refused with its line, as any other mistake.
    @Test(arguments: [
        ("[=]", 1, "a key cannot start with '='"), ("[\u{E9}t\u{E9}]", 1, "a key cannot start with U+E9"),
        ("[ \u{1}x]", 1, "a key cannot start with U+1"), ("# fine\n[colors]\n[\u{B}]", 3, "a key cannot start with U+B"),
        ("[", 1, "a key is missing"), ("\u{FEFF}[ *= \"5\",", 1, "a key cannot start with '*'"),
        ("cglos1=[}\u{0}+'++\u{0}", 1, "expected a value"), ("[colors]\nbackground = \"#000000\" x\n", 2, "expected the end of the line"),
        ("[colors]\n\"a\\U00000000b\" = 1", 2, "the NUL character"), ("x = \"\\u0000\"", 1, "the NUL character"),
    ])
    func whatTheTOMLParserCannotReportIsRefusedFirst(_ source: String, _ line: Int, _ problem: String) throws {
        let error = try #require(Self.error(source))
        #expect(error.line == line && error.problem.hasPrefix("not valid TOML: ") && error.problem.contains(problem), "\(error)")
    }

    /// The TOML a theme is written in gets through: quoted names, lists over several
    /// lines with comments, inline tables, numbers (refused by the theme, not the TOML).
    @Test func plainTOMLGetsThrough() throws {
        #expect(Self.error("[\"colors\"]\nbackground = \"#000000\"") == nil)
        #expect(Self.error("colors = { background = '#000000', title = \"#ff\\u0030000\" }") == nil)
        #expect(Self.error("[heatmap] # [=]\nsequential = [ # low\n  \"#000000\",\n  \"#808080\", \"#ffffff\", # high\n]\n") == nil)
        #expect(Self.error("[series]\ntrain = -1_000.5e+3\n")?.problem.contains("expected a colour in quotes") == true)
    }

    /// A theme nested 70,000 deep (lists, inline tables, or a dotted key) is refused
    /// with its line, not read until the stack runs out.
    @Test func deepNestingIsRefusedWithItsLine() throws {
        let lists = "x = " + String(repeating: "[", count: 70_000) + String(repeating: "]", count: 70_000)
        let tables = "\n\nx = " + String(repeating: "{a=", count: 70_000) + "1" + String(repeating: "}", count: 70_000)
        let key = String(repeating: "a.", count: 70_000) + "b = 1"
        #expect(try #require(Self.error(lists)).problem == "not valid TOML: lists and tables nested more than 32 deep")
        #expect(try #require(Self.error(tables)).line == 3)
        #expect(try #require(Self.error(key)).problem == "not valid TOML: a key of more than 32 parts")
        #expect(Self.error("x = [[[\"#000000\"]]]") != nil && Self.error("x = [[[\"#000000\"]]]")?.problem.contains("nested") == false)
    }

    /// Strings are read as TOML writes them: escapes in double quotes, single quotes
    /// as written, a list over several lines, and each key's line kept.
    @Test func valuesAreReadAsWritten() throws {
        let table = try TOMLSubset.parse("a = \"x\\u00e9\\t\\\"\"\nb = 'c:\\d'\n[t]\nl = [\n 1,\n 2.5e1, # two\n]\nk.m = true\n")
        #expect(table.entries.map(\.key) == ["a", "b", "t"])
        #expect(table.entries[0].value == .string("x\u{e9}\t\"") && table.entries[1].value == .string("c:\\d"))
        let t = try #require(table.entries[2].value.table)
        #expect(t.entries[0].value == .array([.number(1), .number(25)]) && t.entries[1].value.table?.entries.first?.value == .bool(true))
        #expect(table.lines() == ["a": 1, "b": 2, "t": 3, "t.l": 4, "t.k": 8, "t.k.m": 8])
        // A key written with an escape is named, and found on its line, as it reads.
        let escaped = try #require(Self.error("[colors]\n\"mut\\u0065d\" = 3\n"))
        #expect(escaped.line == 2 && escaped.key == "colors.muted" && escaped.problem.contains("expected a colour"))
    }

    @Test func theFirstMistakeInTheFileIsTheOneReported() throws {
        // TOML tables come back in key order ("series" after "colors"): the file's order wins.
        let error = try #require(Self.error("[series]\ntrain = \"x\"\n[colors]\nmuted = \"y\"\n"))
        #expect(error.line == 2 && error.key == "series.train")
    }

    @Test func withoutABaseEveryKeyIsRequired() throws {
        #expect {
            try ThemeFile.parse(Self.builtIn["default"]!.replacingOccurrences(of: "paused = \"#ffd060\"", with: ""), name: "x", file: "x.toml", base: nil, roles: Self.roles)
        } throws: { error in
            (error as? ThemeError)?.description == "x.toml: key 'states.paused': missing: this theme is the base of the others"
        }
    }

    @Test func namesResolveInTheUsersFolderThenTheShippedOneThenTheBuiltIns() throws {
        let user = try Fixtures.temporaryFolder(), shipped = try Fixtures.temporaryFolder()
        try "description = \"mine\"\n[colors]\nbackground = \"#ffffff\"\n".write(
            to: user.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "[colors\n".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try "description = \"shipped\"\n".write(to: shipped.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "description = \"dusk\"\n".write(to: shipped.appendingPathComponent("dusk.toml"), atomically: true, encoding: .utf8)
        let catalog = Self.catalog(user: user.path, shipped: shipped.path)
        let entries = catalog.entries
        #expect(entries.map(\.name) == ["default", "broken", "dusk", "light", "mono"])
        let light = try #require(entries.first { $0.name == "light" })
        #expect(light.origin == .user(path: user.path + "/light.toml"))
        #expect(light.hidden == [.shipped(path: shipped.path + "/light.toml"), .builtIn])
        #expect(try catalog.load("light").summary == "mine")
        #expect(try catalog.load("light").foreground == Self.base.foreground)
        #expect(try catalog.load("dusk").summary == "dusk")
        #expect(throws: ThemeError.self) { try catalog.load("broken") }

        let alone = Self.catalog(user: "/nonexistent")
        #expect(alone.entries.map(\.name) == ["default", "light", "mono"])
        #expect(alone.entries.allSatisfy { $0.origin == .builtIn })
        #expect(try alone.load("light").background == RGB(0xfa, 0xfa, 0xfa))
        #expect(try alone.source(of: "mono") == Self.builtIn["mono"]! + "\n")
    }

    @Test func anUnknownNameListsTheThemesThereAre() throws {
        let catalog = Self.catalog()
        #expect {
            try catalog.load("solarised")
        } throws: { error in
            let text = (error as? ThemeError)?.description ?? ""
            return text.contains("no theme named 'solarised'") && text.contains("(themes: default, light, mono;")
        }
    }

    @Test func aPathIsReadAsAFileAndItsProblemsNameIt() throws {
        let folder = try Fixtures.temporaryFolder()
        let catalog = Self.catalog()
        let good = folder.appendingPathComponent("dusk.toml")
        try "[states]\nrunning = \"#00ff00\"\n".write(to: good, atomically: true, encoding: .utf8)
        let dusk = try catalog.load(good.path)
        #expect(dusk.name == "dusk" && dusk.color("states.running") == RGB(0, 255, 0))

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
}

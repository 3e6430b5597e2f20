import Foundation
import TestSupport
import Testing

@testable import TerminalUI
@testable import rnntop

/// The themes rnntop ships: the files read whole, each with its own colours, match
/// the copies built into the binary, stay legible in the xterm-256 colours, and are
/// found from the program's location and the user's XDG folder.
@Suite struct ShippedThemeTests {
    static let shippedFolder = Fixtures.packageRoot.appendingPathComponent("themes").path
    static let shippedNames = ["colorblind", "default", "high-contrast", "light", "mono", "phosphor"]

    @Test func theShippedThemesAreTheBuiltInCopies() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.shippedFolder).filter { $0.hasSuffix(".toml") }
        #expect(files.map { String($0.dropLast(5)) }.sorted() == Self.shippedNames)
        #expect(BuiltInThemes.sources.keys.sorted() == Self.shippedNames)
        for name in Self.shippedNames {
            let file = try String(contentsOfFile: Self.shippedFolder + "/\(name).toml", encoding: .utf8)
            #expect(file == BuiltInThemes.sources[name]! + "\n", "\(name).toml differs from its built-in copy: run Scripts/embed-shipped-files.sh")
        }
    }

    @Test func everyShippedThemeReadsWithItsOwnColours() throws {
        let catalog = DashboardThemes.catalog(userDirectory: nil, shippedDirectory: Self.shippedFolder)
        var backgrounds: Set<RGB> = []
        for name in Self.shippedNames {
            let theme = try catalog.load(name)
            #expect(theme.name == name && !theme.summary.isEmpty)
            #expect(theme.monochrome == (name == "mono"))
            #expect(Set(theme.roles.keys) == Set(DashboardThemes.roles.keys))
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
        let catalog = DashboardThemes.catalog(userDirectory: nil, shippedDirectory: Self.shippedFolder)
        for name in Self.shippedNames where name != "mono" {
            let theme = try catalog.load(name)
            for color in [theme.foreground, theme.muted, theme.title, theme.highlight] + theme.roles.values {
                #expect(shown(color).contrast(with: shown(theme.background)) >= 4.5, "\(name): \(color.hex)")
            }
        }
    }

    @Test func theUsersFolderFollowsXdg() {
        let standard = DashboardThemes.catalog(environment: ["HOME": "/home/ada"])
        #expect(standard.userDirectory == "/home/ada/.config/rnntop/themes")
        #expect(DashboardThemes.catalog(environment: ["HOME": "/home/ada", "XDG_CONFIG_HOME": "/cfg"]).userDirectory == "/cfg/rnntop/themes")
        #expect(DashboardThemes.catalog(environment: [:]).userDirectory == nil)
        // The tests run from .build inside the checkout: the checkout's themes/ is found.
        #expect(standard.shippedDirectory == Self.shippedFolder)
    }
}

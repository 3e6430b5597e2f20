import Foundation
import TerminalUI

/// rnntop's themes: the colour roles its dashboard adds to a theme file, the shipped
/// `default` every theme falls back to, and where themes are looked up.
enum DashboardThemes {
    /// `[series]` colours the charts' lines; `[states]` the run's state in the header;
    /// `[runs]` the runs of a comparison, first to eighth (`rnntop plot`).
    static let roles = ThemeRoles([
        .init("series", ["train", "smoothed", "validation", "baseline", "clip"]),
        .init("states", ["running", "paused", "diverged"]),
        .init("runs", (1...8).map(String.init)),
    ])

    /// The `[runs]` palette's roles, in order.
    static let runRoles = (1...8).map { "runs.\($0)" }

    /// The shipped `default` theme, which every other theme's missing keys fall back to.
    static let standard: Theme = {
        do {
            return try ThemeFile.parse(BuiltInThemes.sources["default"]!, name: "default", file: "default.toml", base: nil, roles: roles)
        } catch {
            // The built-in sources are tested to parse whole (ShippedThemeTests).
            fatalError("the built-in default theme does not parse: \(error)")
        }
    }()

    /// The catalog for this user and this program: the user's folder
    /// (`$XDG_CONFIG_HOME/rnntop/themes`, by default `~/.config/rnntop/themes`), the
    /// themes/ folder that came with the program, and the copies built into it.
    static func catalog(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeCatalog {
        catalog(userDirectory: userDirectory(environment), shippedDirectory: ShippedFiles.themes)
    }

    /// A catalog of the given folders, the built-in copies and rnntop's roles.
    static func catalog(userDirectory: String?, shippedDirectory: String?) -> ThemeCatalog {
        ThemeCatalog(
            userDirectory: userDirectory, shippedDirectory: shippedDirectory, builtIn: BuiltInThemes.sources, base: standard,
            roles: roles)
    }

    static func userDirectory(_ environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/rnntop/themes"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/rnntop/themes"
    }
}

/// The dashboard's colour roles, by name.
extension Theme {
    var train: RGB { color("series.train") }
    var smoothed: RGB { color("series.smoothed") }
    var validation: RGB { color("series.validation") }
    var baseline: RGB { color("series.baseline") }
    var clip: RGB { color("series.clip") }
    var running: RGB { color("states.running") }
    var paused: RGB { color("states.paused") }
    var diverged: RGB { color("states.diverged") }
}

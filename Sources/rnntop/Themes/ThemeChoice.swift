import Foundation
import TerminalUI

/// The theme a dashboard starts with: `--theme` if given, else `mono` when NO_COLOR
/// is set (whatever its value), else `default`; read before anything starts, so a
/// bad theme exits with status 2 at once.
struct ThemeChoice {
    /// NO_COLOR is set and no theme was asked for: the terminal gets no colours.
    let noColor: Bool
    let cycle: ThemeCycle

    init(_ requested: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        noColor = requested == nil && environment["NO_COLOR"] != nil
        let catalog = DashboardThemes.catalog(environment: environment)
        cycle = ThemeCycle(catalog: catalog, current: try catalog.load(requested ?? (noColor ? "mono" : "default")))
    }
}

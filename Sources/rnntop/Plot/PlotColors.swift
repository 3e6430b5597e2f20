import TerminalUI

/// The plot's colours, from a theme: its background, text and series colours, and
/// for the runs' lines the colours the dashboard gives the same runs (`RunPalette`).
/// A monochrome theme (which has no colours of its own) draws black on white, its
/// runs in the palette's greys, told apart by dash patterns.
struct PlotColors {
    let background: String
    let text: String
    let muted: String
    let grid: String
    let title: String
    let baseline: String
    let diverged: String
    private let theme: Theme
    private let monochrome: Bool

    init(theme: Theme) {
        self.theme = theme
        monochrome = theme.monochrome
        if monochrome {
            (background, text, muted, grid, title) = ("#ffffff", "#000000", "#555555", "#cccccc", "#000000")
            (baseline, diverged) = ("#777777", "#000000")
        } else {
            (background, text, muted, grid, title) = (theme.background.hex, theme.foreground.hex, theme.muted.hex, theme.border.hex, theme.title.hex)
            (baseline, diverged) = (theme.baseline.hex, theme.diverged.hex)
        }
    }

    /// The colour of the `index`th run: the dashboard's for the run in that place.
    func run(_ index: Int) -> String {
        RunPalette.color(index, in: theme).hex
    }

    /// The dash pattern of the `index`th run's line: solid in colour themes; in a
    /// monochrome one solid, dashed, dotted, dash-dotted, ... so greys need not be told apart.
    func dash(_ index: Int) -> String? {
        guard monochrome else { return nil }
        let patterns: [String?] = [nil, "8 4", "2 3", "8 3 2 3", "12 4", "4 4", "12 3 2 3 2 3", "1 2"]
        return patterns[index % patterns.count]
    }
}

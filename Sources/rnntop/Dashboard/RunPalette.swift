import TerminalUI

/// How the runs of a comparison are told apart: the theme's `[runs]` colours, first
/// to eighth; where colours do not show (the mono theme, NO_COLOR), dash patterns in
/// the lines and in the legend; without braille, the run's number as its mark.
struct RunPalette {
    let theme: Theme
    let context: RenderContext

    private var colorless: Bool { ChartData.colorless(theme, context) }

    /// Dots on and off along x, and the legend's sample of each: solid, dashed,
    /// dotted, ... so that eight runs differ without colour. None is the baseline's
    /// (two cells on, one off: "┄") nor validation's "◆".
    private static let patterns: [(dash: LineChart.Dash?, sample: String)] = [
        (nil, "━"), (.init(on: 5, off: 2), "╍"), (.init(on: 1, off: 1), "┈"), (.init(on: 2, off: 3), "╌"),
        (.init(on: 6, off: 2), "┉"), (.init(on: 1, off: 3), "·"), (.init(on: 3, off: 1), "┅"), (.init(on: 2, off: 2), "═"),
    ]

    func color(_ run: Int) -> RGB {
        Self.color(run, in: theme)
    }

    /// The colour of the `run`th run shown (from 0) in `theme`, its `[runs]` palette
    /// repeating after the eighth: the one rule for the dashboard and `rnntop plot`.
    static func color(_ run: Int, in theme: Theme) -> RGB {
        theme.color(DashboardThemes.runRoles[run % DashboardThemes.runRoles.count])
    }

    func style(_ run: Int, _ attributes: Style.Attributes = []) -> Style {
        theme.style(color(run), attributes)
    }

    func dash(_ run: Int) -> LineChart.Dash? {
        colorless ? Self.patterns[run % Self.patterns.count].dash : nil
    }

    /// The run's mark where there is no braille: its number.
    func glyph(_ run: Int) -> Unicode.Scalar {
        Unicode.Scalar(UInt8(ascii: "1") + UInt8(run % 9))
    }

    /// The legend's sample of the run's line.
    func sample(_ run: Int) -> String {
        guard context.unicode else { return String(Character(glyph(run))) }
        return colorless ? Self.patterns[run % Self.patterns.count].sample : "━"
    }
}

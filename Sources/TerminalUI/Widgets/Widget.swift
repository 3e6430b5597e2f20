/// Anything drawn into a part of the screen: a chart, a heatmap, a box of text, a
/// whole panel of the dashboard. One shape for all, as ratatui's widgets have, so
/// that a screen is a list of widgets and their areas, and any widget can be drawn
/// into a test's buffer without a terminal.
public protocol Widget {
    /// Draws into `area` of `buffer`, and nowhere else, with what `context` says
    /// the terminal can show.
    func render(into buffer: inout Buffer, area: Rect, context: RenderContext)
}

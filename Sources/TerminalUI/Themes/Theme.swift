/// Named colours for every role on the screen, and the heatmaps' colour maps. Themes
/// are read from TOML files (`ThemeFile`) and found by name (`ThemeCatalog`).
public struct Theme: Sendable, Equatable {
    /// The file's name without `.toml`.
    public var name: String
    /// One line that says what the theme is for, from the file's `description`.
    public var summary: String
    public var background: RGB
    public var foreground: RGB
    public var muted: RGB
    public var border: RGB
    public var title: RGB
    public var highlight: RGB
    /// Chart series.
    public var train: RGB
    public var smoothed: RGB
    public var validation: RGB
    public var baseline: RGB
    public var clip: RGB
    /// Run states.
    public var running: RGB
    public var paused: RGB
    public var diverged: RGB
    public var diverging: ColorMap
    public var sequential: ColorMap
    /// Attributes only, no colour (the `mono` theme, NO_COLOR).
    public var monochrome: Bool

    /// A style with `color` as foreground on the theme's background (attributes
    /// only in a monochrome theme).
    public func style(_ color: RGB, _ attributes: Style.Attributes = []) -> Style {
        if monochrome { return Style(attributes: attributes) }
        return Style(foreground: .rgb(color), background: .rgb(background), attributes: attributes)
    }

    /// The `default` theme as shipped: what every other theme's missing keys fall
    /// back to.
    public static let standard: Theme = {
        do {
            return try ThemeFile.parse(BuiltInThemes.sources["default"]!, name: "default", file: "default.toml", base: nil)
        } catch {
            // The built-in sources are tested to parse whole (BuiltInThemeTests).
            fatalError("the built-in default theme does not parse: \(error)")
        }
    }()
}

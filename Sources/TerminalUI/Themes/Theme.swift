/// Named colours for the screen, and the heatmaps' colour maps. The colours every
/// program has (background, text, borders, titles) are fields; a program adds its
/// own named colours, its roles (`ThemeRoles`), which the same file sets. Themes are
/// read from TOML files (`ThemeFile`) and found by name (`ThemeCatalog`).
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
    public var diverging: ColorMap
    public var sequential: ColorMap
    /// Attributes only, no colour (a `monochrome = true` theme, or NO_COLOR).
    public var monochrome: Bool
    /// The program's own colours by dotted key, such as `series.train`.
    public var roles: [String: RGB]

    public init(
        name: String, summary: String, background: RGB, foreground: RGB, muted: RGB, border: RGB, title: RGB,
        highlight: RGB, diverging: ColorMap, sequential: ColorMap, monochrome: Bool, roles: [String: RGB]
    ) {
        self.name = name
        self.summary = summary
        self.background = background
        self.foreground = foreground
        self.muted = muted
        self.border = border
        self.title = title
        self.highlight = highlight
        self.diverging = diverging
        self.sequential = sequential
        self.monochrome = monochrome
        self.roles = roles
    }

    /// The colour of a role (`"series.train"`); the foreground for a role the theme
    /// does not know, which a theme read with the program's `ThemeRoles` never lacks.
    public func color(_ role: String) -> RGB {
        roles[role] ?? foreground
    }

    /// A style with `color` as foreground on the theme's background (attributes
    /// only in a monochrome theme).
    public func style(_ color: RGB, _ attributes: Style.Attributes = []) -> Style {
        if monochrome { return Style(attributes: attributes) }
        return Style(foreground: .rgb(color), background: .rgb(background), attributes: attributes)
    }
}

/// The tables of named colours a program adds to its theme files, such as
/// `[series] train smoothed` for a chart's lines. `ThemeFile` accepts these tables
/// beside `[colors]` and `[heatmap]`, and a theme read without a base must set them all.
public struct ThemeRoles: Sendable, Equatable {
    /// One table: its name and its keys, in the order the documentation lists them.
    public struct Table: Sendable, Equatable {
        public let name: String
        public let keys: [String]

        public init(_ name: String, _ keys: [String]) {
            self.name = name
            self.keys = keys
        }
    }

    public let tables: [Table]

    public init(_ tables: [Table]) {
        self.tables = tables
    }

    /// Every role's dotted key.
    public var keys: [String] {
        tables.flatMap { table in table.keys.map { table.name + "." + $0 } }
    }
}

/// Named colours for every role on the screen, and the heatmaps' colour maps.
public struct Theme: Sendable, Equatable {
    public var name: String
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

    public init(
        name: String, background: RGB, foreground: RGB, muted: RGB, border: RGB, title: RGB, highlight: RGB,
        train: RGB, smoothed: RGB, validation: RGB, baseline: RGB, clip: RGB, running: RGB, paused: RGB,
        diverged: RGB, diverging: ColorMap, sequential: ColorMap, monochrome: Bool = false
    ) {
        self.name = name
        self.background = background
        self.foreground = foreground
        self.muted = muted
        self.border = border
        self.title = title
        self.highlight = highlight
        self.train = train
        self.smoothed = smoothed
        self.validation = validation
        self.baseline = baseline
        self.clip = clip
        self.running = running
        self.paused = paused
        self.diverged = diverged
        self.diverging = diverging
        self.sequential = sequential
        self.monochrome = monochrome
    }

    /// A style with `color` as foreground on the theme's background (attributes
    /// only in a monochrome theme).
    public func style(_ color: RGB, _ attributes: Style.Attributes = []) -> Style {
        if monochrome { return Style(attributes: attributes) }
        return Style(foreground: .rgb(color), background: .rgb(background), attributes: attributes)
    }

    /// The default: light text on a near-black background, viridis heatmaps.
    public static let dark = Theme(
        name: "default", background: RGB(0x14, 0x16, 0x1c), foreground: RGB(0xd8, 0xdc, 0xe4),
        muted: RGB(0x8a, 0x92, 0xa3), border: RGB(0x4a, 0x52, 0x63), title: RGB(0x7d, 0xc4, 0xff),
        highlight: RGB(0xff, 0xd1, 0x66), train: RGB(0x5c, 0x8d, 0xb8), smoothed: RGB(0x6c, 0xc6, 0xff),
        validation: RGB(0xff, 0x9e, 0x5e), baseline: RGB(0xb0, 0xb0, 0xb0), clip: RGB(0xe0, 0x6c, 0x75),
        running: RGB(0x7e, 0xd3, 0x8f), paused: RGB(0xff, 0xd1, 0x66), diverged: RGB(0xff, 0x6b, 0x6b),
        diverging: ColorMap(negative: RGB(0x3b, 0x73, 0xd9), zero: RGB(0x20, 0x22, 0x28), positive: RGB(0xe8, 0x5d, 0x4a)),
        sequential: ColorMap(sequential: [
            RGB(0x44, 0x01, 0x54), RGB(0x3b, 0x52, 0x8b), RGB(0x21, 0x90, 0x8d), RGB(0x5d, 0xc8, 0x63), RGB(0xfd, 0xe7, 0x25),
        ]))

    /// No colour at all: bold, dim and reverse carry the emphasis.
    public static let mono = Theme(
        name: "mono", background: RGB(0, 0, 0), foreground: RGB(255, 255, 255), muted: RGB(160, 160, 160),
        border: RGB(128, 128, 128), title: RGB(255, 255, 255), highlight: RGB(255, 255, 255), train: RGB(200, 200, 200),
        smoothed: RGB(255, 255, 255), validation: RGB(255, 255, 255), baseline: RGB(128, 128, 128),
        clip: RGB(128, 128, 128), running: RGB(255, 255, 255), paused: RGB(255, 255, 255), diverged: RGB(255, 255, 255),
        diverging: ColorMap(negative: RGB(0, 0, 0), zero: RGB(128, 128, 128), positive: RGB(255, 255, 255)),
        sequential: ColorMap(sequential: [RGB(0, 0, 0), RGB(255, 255, 255)]), monochrome: true)
}

/// What the terminal can show, so widgets choose their glyphs and colours.
public struct RenderContext: Sendable, Equatable {
    /// UTF-8: braille, blocks and box-drawing characters; otherwise ASCII.
    public var unicode: Bool
    /// Whether colours show; without, widgets use characters and attributes.
    public var color: Bool

    public init(unicode: Bool = true, color: Bool = true) {
        self.unicode = unicode
        self.color = color
    }

    public static let full = RenderContext()
}

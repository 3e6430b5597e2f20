/// How wide a text will be, estimated, since an SVG file cannot measure its text:
/// the picture asks for DejaVu Sans, whose widths this follows by classes of
/// characters, erring a little wide (by about 5% on a line of words). Used to keep
/// titles inside their column and labels off lines.
extension SVGDocument {
    static func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        let ems = text.reduce(0.0) { sum, character in sum + width(of: character) }
        return ems * size * (bold ? 1.12 : 1)
    }

    /// The first of `texts` (longest first) that fits `width` pixels, else the last:
    /// a title gives up its explanations before its facts.
    static func fitting(_ texts: [String], width: Double, size: Double, bold: Bool = false) -> String {
        texts.first { textWidth($0, size: size, bold: bold) <= width } ?? texts.last ?? ""
    }

    /// A character's width in ems, in DejaVu Sans.
    private static func width(of character: Character) -> Double {
        if " .,:;·'!|ijl".contains(character) { return 0.32 }
        if "()[]-/frt".contains(character) { return 0.4 }
        if "mwMW%".contains(character) { return 0.95 }
        if character.isNumber { return 0.64 }
        return character.isUppercase ? 0.72 : 0.6
    }
}

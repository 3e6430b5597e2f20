import Testing

@testable import TerminalUI

/// Colours: parsing, contrast, blending in a perceptual space, and mapping to the
/// colours a terminal has.
@Suite struct ColorTests {
    @Test func hexColoursParseOrAreRefused() {
        #expect(RGB(hex: "#ff8000") == RGB(255, 128, 0))
        #expect(RGB(hex: "#FF8000")?.hex == "#ff8000")
        for bad in ["#12345", "blue-ish", "ff8000", "#ff80001", "#gg8000", ""] { #expect(RGB(hex: bad) == nil) }
    }

    @Test func contrastFollowsWcag() {
        #expect(abs(RGB(0, 0, 0).contrast(with: RGB(255, 255, 255)) - 21) < 1e-9)
        #expect(RGB(118, 118, 118).contrast(with: RGB(255, 255, 255)) > 4.5)
    }

    @Test func mapsBlendInOklabNotRgb() {
        let map = ColorMap(sequential: [RGB(0, 0, 0), RGB(255, 255, 255)])
        #expect(map.color(at: 0) == RGB(0, 0, 0) && map.color(at: 1) == RGB(255, 255, 255))
        // Perceptual middle grey is darker than RGB's 128: L = 0.5 is about 99.
        let middle = map.color(at: 0.5)
        #expect(middle.r == middle.g && middle.g == middle.b && (95...103).contains(middle.r))
        #expect(map.color(at: -3) == RGB(0, 0, 0) && map.color(at: .nan) == middle)
    }

    @Test func theXterm256PaletteFindsTheNearestEntry() {
        #expect(Palette.xterm256(RGB(255, 0, 0)) == 196)
        #expect(Palette.xterm256(RGB(0, 0, 0)) == 16)
        #expect(Palette.xterm256(RGB(255, 255, 255)) == 231)
        #expect(Palette.xterm256(RGB(128, 128, 128)) == 244)
        var eight = Palette(colors: 8), full = Palette(colors: 256)
        #expect(eight.index(.rgb(RGB(250, 10, 10))) == 1)
        #expect(full.index(.terminalDefault) == -1 && full.index(.rgb(RGB(255, 0, 0))) == 196)
    }

    @Test func aDirectColourTerminalGetsTheExactColour() {
        var direct = Palette(colors: 1 << 24)
        #expect(direct.index(.rgb(RGB(0x12, 0x34, 0x56))) == 0x123456)
        #expect(direct.index(.terminalDefault) == -1)
    }
}

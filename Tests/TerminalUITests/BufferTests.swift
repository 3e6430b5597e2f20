import Testing

@testable import TerminalUI

/// The cell grid: text is clipped, never wraps or crashes, and cannot smuggle
/// control characters or double-width glyphs onto the screen.
@Suite struct BufferTests {
    @Test func textStopsAtTheLimitAndTheRightEdge() {
        var buffer = Buffer(width: 10, height: 2)
        #expect(buffer.text(6, 0, "abcdefgh", .plain) == 4)
        #expect(buffer.text(0, 1, "abcdefgh", .plain, limit: 3) == 3)
        #expect(buffer.lines == ["      abcd", "abc       "])
    }

    @Test func writesOutsideAreIgnored() {
        var buffer = Buffer(width: 4, height: 2)
        buffer.put(-1, 0, "x", .plain)
        buffer.put(4, 0, "x", .plain)
        buffer.put(0, 2, "x", .plain)
        buffer.text(-3, 1, "abcdef", .plain)
        buffer.fill(Rect(x: -5, y: -5, width: 100, height: 6), "#", .plain)
        #expect(buffer.lines == ["####", "def "])
    }

    @Test func controlAndWideCharactersBecomeQuestionMarks() {
        var buffer = Buffer(width: 12, height: 1)
        buffer.text(0, 0, "a\u{1B}[2Jb\u{7}c表😀é", .plain)
        #expect(buffer.lines == ["a?[2Jb?c??é "])
    }

    @Test func asciiFallbackKeepsTheShapes() {
        var buffer = Buffer(width: 9, height: 1)
        buffer.text(0, 0, "┌─│●∂×⣿▀x", .plain)
        #expect(buffer.asciiOnly().lines == ["+-|*dx*#x"])
    }

    @Test func rectanglesSplitWithoutGoingNegative() {
        let area = Rect(x: 2, y: 3, width: 10, height: 4)
        let (top, rest) = area.splitTop(7)
        #expect(top == area && rest.height == 0)
        let (left, right) = area.splitLeft(4)
        #expect(left.width == 4 && right.x == 6 && right.width == 6)
        #expect(area.inset(3).isEmpty)
    }
}

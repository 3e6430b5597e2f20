import CNcurses
import CTerminal
import Foundation

/// The real screen, through ncurses: the only place that talks to curses. It shows
/// a `Buffer` by writing the cells that changed since the last frame, reads keys
/// with a timeout, and always gives the terminal back (`restore`, and a crash
/// handler for the fatal signals).
///
/// Use it from the main thread only.
public final class Terminal {
    public private(set) var context: RenderContext
    private var screen: OpaquePointer?
    private var previous: Buffer?
    private var pairs: [Int64: Int32] = [:]
    private var palette: Palette
    private var restored = false

    /// Takes over the terminal, or returns nil when TERM names no usable terminal.
    /// - Parameter color: false for monochrome (NO_COLOR, or a theme without colour).
    public init?(color: Bool = true) {
        setlocale(LC_ALL, "")
        term_save_terminal_mode()
        guard let screen = newterm(nil, ncs_stdout(), ncs_stdin()) else { return nil }
        self.screen = screen
        set_term(screen)
        // Swift's backtracer only when asked for: on a terminal it waits for a key.
        term_install_crash_restore(getenv("SWIFT_BACKTRACE") != nil ? 1 : 0)
        cbreak()
        noecho()
        keypad(ncs_stdscr(), true)
        Self.defineCommonKeySequences()
        curs_set(0)
        set_escdelay(25)
        // No polling of the keyboard in the middle of drawing a frame: the loop reads
        // keys between frames, and the polls cost more than the frames.
        typeahead(-1)
        var colors = false
        if color && has_colors() {
            start_color()
            use_default_colors()
            colors = true
        }
        palette = Palette(colors: colors ? Int(ncs_colors()) : 0)
        context = RenderContext(unicode: ncs_locale_is_utf8() != 0, color: colors && palette.colors >= 8)
    }

    deinit {
        restore()
    }

    /// The arrows, home, end and the page keys as both xterm modes and the VT220
    /// forms send them, whatever TERM says: under tmux, screen or ssh the terminal
    /// in TERM is often not the one that sends the keys, and an unknown sequence
    /// would arrive as ESC and loose characters ("[" is a key of its own here).
    private static func defineCommonKeySequences() {
        let keys: [(String, Int32)] = [
            ("\u{1B}[A", ncs_key_up()), ("\u{1B}OA", ncs_key_up()), ("\u{1B}[B", ncs_key_down()), ("\u{1B}OB", ncs_key_down()),
            ("\u{1B}[C", ncs_key_right()), ("\u{1B}OC", ncs_key_right()), ("\u{1B}[D", ncs_key_left()), ("\u{1B}OD", ncs_key_left()),
            ("\u{1B}[H", ncs_key_home()), ("\u{1B}OH", ncs_key_home()), ("\u{1B}[1~", ncs_key_home()), ("\u{1B}[7~", ncs_key_home()),
            ("\u{1B}[F", ncs_key_end()), ("\u{1B}OF", ncs_key_end()), ("\u{1B}[4~", ncs_key_end()), ("\u{1B}[8~", ncs_key_end()),
            ("\u{1B}[5~", ncs_key_ppage()), ("\u{1B}[6~", ncs_key_npage()), ("\u{1B}[Z", ncs_key_btab()),
        ]
        for (sequence, code) in keys { define_key(sequence, code) }
    }

    /// The window's size in cells.
    public var size: (width: Int, height: Int) { (Int(ncs_cols()), Int(ncs_lines())) }

    /// Shows `buffer`: only the cells that differ from the last frame are written.
    public func draw(_ frame: Buffer) {
        guard !restored else { return }
        let buffer = context.unicode ? frame : frame.asciiOnly()
        let window = ncs_stdscr()
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full { werase(window) }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                // The bottom-right cell would scroll the window; curses refuses it.
                if x == buffer.width - 1 && y == buffer.height - 1 { continue }
                let (attributes, pair) = resolve(cell.style)
                _ = ncs_put(window, Int32(y), Int32(x), wchar_t(cell.character.value), attributes, pair)
            }
        }
        wrefresh(window)
        previous = buffer
    }

    /// Forgets what is on the screen, so the next frame is drawn whole.
    public func invalidate() {
        previous = nil
        pairs = [:]
    }

    /// The next key, waiting at most `milliseconds` (nil when none came).
    public func readKey(timeout milliseconds: Int) -> Key? {
        let window = ncs_stdscr()
        wtimeout(window, Int32(milliseconds))
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == ncs_err() { return nil }
        if result == ncs_key_code_yes() {
            switch Int32(character) {
            case ncs_key_resize(): return .resize
            case ncs_key_up(): return .up
            case ncs_key_down(): return .down
            case ncs_key_left(): return .left
            case ncs_key_right(): return .right
            case ncs_key_home(): return .home
            case ncs_key_end(): return .end
            case ncs_key_ppage(): return .pageUp
            case ncs_key_npage(): return .pageDown
            case ncs_key_btab(): return .backTab
            default: return nil
            }
        }
        switch character {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Gives the terminal back as it was; safe to call more than once.
    public func restore() {
        guard !restored else { return }
        restored = true
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        term_remove_crash_restore()
    }

    /// Curses attributes and a colour pair for a style.
    private func resolve(_ style: Style) -> (attr_t, Int32) {
        var attributes = ncs_a_normal()
        if style.attributes.contains(.bold) { attributes |= ncs_a_bold() }
        if style.attributes.contains(.dim) { attributes |= ncs_a_dim() }
        if style.attributes.contains(.reverse) { attributes |= ncs_a_reverse() }
        if style.attributes.contains(.underline) { attributes |= ncs_a_underline() }
        guard context.color else { return (attributes, 0) }
        let foreground = palette.index(style.foreground), background = palette.index(style.background)
        if foreground == -1 && background == -1 { return (attributes, 0) }
        let key = Int64(foreground) << 32 | Int64(UInt32(bitPattern: background))
        if let pair = pairs[key] { return (attributes, pair) }
        let next = Int32(pairs.count + 1)
        guard next < ncs_color_pairs() else { return (attributes, 0) }
        init_extended_pair(next, foreground, background)
        pairs[key] = next
        return (attributes, next)
    }
}

/// The terminal's colours: the colour itself on a direct-colour terminal (terminfo
/// with 2^24 colours, such as TERM=xterm-direct), else the nearest of 256 (the xterm
/// cube and greys), 16 or 8; -1 for the terminal's default.
struct Palette {
    let colors: Int
    /// Colours already mapped: a screen uses few, and the search is not cheap.
    private var known: [RGB: Int32] = [:]

    init(colors: Int) {
        self.colors = colors
    }

    mutating func index(_ color: Color) -> Int32 {
        guard case .rgb(let rgb) = color else { return -1 }
        if colors >= Self.direct { return Int32(rgb.r) << 16 | Int32(rgb.g) << 8 | Int32(rgb.b) }
        if let index = known[rgb] { return index }
        let index =
            colors >= 256
            ? Int32(Self.xterm256(rgb)) : Int32(Self.nearest(rgb, among: colors >= 16 ? Self.ansi16 : Array(Self.ansi16.prefix(8))))
        known[rgb] = index
        return index
    }

    /// The colour count of a direct-colour terminal, whose colour numbers are 0xRRGGBB.
    static let direct = 1 << 24

    static let ansi16: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0), RGB(0, 0, 238), RGB(205, 0, 205),
        RGB(0, 205, 205), RGB(229, 229, 229), RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    static func nearest(_ rgb: RGB, among choices: [RGB]) -> Int {
        let target = OKLab(rgb)
        return choices.indices.min { a, b in distance(OKLab(choices[a]), target) < distance(OKLab(choices[b]), target) }!
    }

    /// The xterm-256 entry nearest to `rgb`: the best of the 6x6x6 cube and the
    /// 24 greys, by distance in OKLab.
    static func xterm256(_ rgb: RGB) -> Int {
        let levels: [Int] = [0, 95, 135, 175, 215, 255]
        func step(_ c: UInt8) -> Int { levels.indices.min { abs(levels[$0] - Int(c)) < abs(levels[$1] - Int(c)) }! }
        let (r, g, b) = (step(rgb.r), step(rgb.g), step(rgb.b))
        let cube = RGB(UInt8(levels[r]), UInt8(levels[g]), UInt8(levels[b]))
        let average = (Int(rgb.r) + Int(rgb.g) + Int(rgb.b)) / 3
        let grey = min(max((average - 8 + 5) / 10, 0), 23)
        let greyLevel = UInt8(8 + grey * 10)
        let target = OKLab(rgb)
        let cubeDistance = distance(OKLab(cube), target)
        let greyDistance = distance(OKLab(RGB(greyLevel, greyLevel, greyLevel)), target)
        return cubeDistance <= greyDistance ? 16 + 36 * r + 6 * g + b : 232 + grey
    }

    private static func distance(_ a: OKLab, _ b: OKLab) -> Double {
        (a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b)
    }
}

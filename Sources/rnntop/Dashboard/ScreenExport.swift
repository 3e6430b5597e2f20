import Foundation
import TerminalUI
import Training

/// The `p` key: the dashboard as drawn, saved as an SVG picture.
enum ScreenExport {
    /// `rnntop-step-1234-20261129-231502.svg`: the step and the time, so that
    /// pictures of one run sort in order and never overwrite each other.
    static func fileName(step: Int, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return "rnntop-step-\(step)-\(formatter.string(from: date)).svg"
    }

    /// Writes the screen to `path` atomically, in the theme's colours.
    static func write(_ screen: Buffer, theme: Theme, to path: String) throws {
        let svg = ScreenSVG.document(screen, foreground: theme.foreground, background: theme.background)
        try AtomicFile.write(Array(svg.utf8), to: path)
    }
}

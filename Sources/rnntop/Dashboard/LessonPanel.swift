import RNNData
import TerminalUI

/// A lesson's chapter under the charts: its title and number in the frame, each
/// check's verdict (the measured number beside the published one) first, since they
/// change as the run trains, then as much of the text and of what to try as fits.
/// Text the rows cannot hold ends with "…": `rnntop lesson` prints a chapter whole.
struct LessonPanel: Widget {
    let lesson: Lesson
    let number: Int
    let count: Int
    let statuses: [LessonJudge.Status]
    /// The runs' names, for checks of a comparison.
    let runs: [String]
    let theme: Theme

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let title = "chapter \(number)/\(count): \(Escaping.escape(lesson.title))"
        let inside = theme.panel(title).render(into: &buffer, area: area, context: context)
        guard inside.width > 4, inside.height > 0 else { return }
        var rows: [(text: String, style: Style)] = []
        for status in statuses {
            // A chapter is a file anyone may write: its words are shown escaped.
            let line = Escaping.escape(LessonVerdictText.line(status, runs: runs, unicode: context.unicode))
            for (index, row) in Self.wrap(line, width: inside.width, indent: 2).enumerated() {
                rows.append((row, index == 0 ? theme.style(color(status.verdict), .bold) : theme.style(theme.foreground)))
            }
        }
        let text = lesson.text + (lesson.tryKeys.isEmpty ? [] : ["", "try:"] + lesson.tryKeys.map { "  " + $0 })
        var prose: [String] = []
        for paragraph in text.map({ Escaping.escape($0) }) { prose += paragraph.isEmpty ? [""] : Self.wrap(paragraph, width: inside.width, indent: 0) }
        // Verdicts first; the text takes the rows left.
        let room = inside.height - rows.count
        if room > 0 {
            var shown = Array(prose.prefix(room))
            if prose.count > room, let last = shown.popLast() {
                shown.append(String(last.prefix(max(inside.width - 1, 0))) + (context.unicode ? "…" : "~"))
            }
            rows += shown.map { ($0, theme.style(theme.foreground)) }
        }
        for (row, line) in rows.prefix(inside.height).enumerated() {
            buffer.text(inside.x, inside.y + row, line.text, line.style, limit: inside.width)
        }
    }

    private func color(_ verdict: LessonJudge.Verdict) -> RGB {
        switch verdict {
        case .waiting: theme.muted
        case .reproduced: theme.running
        case .notReproduced: theme.diverged
        }
    }

    /// Words into rows of at most `width` characters; rows after the first indented
    /// by `indent`. A word longer than a row is cut.
    static func wrap(_ text: String, width: Int, indent: Int) -> [String] {
        guard width > indent + 1 else { return [String(text.prefix(max(width, 0)))] }
        var rows: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let limit = rows.isEmpty ? width : width - indent
            if current.isEmpty {
                current = String(word.prefix(limit))
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                rows.append(current)
                current = String(word.prefix(width - indent))
            }
        }
        rows.append(current)
        return rows.enumerated().map { $0.offset == 0 ? $0.element : String(repeating: " ", count: indent) + $0.element }
    }
}

import TerminalUI
import Training

/// The tunable settings, each with its key (not in a replay, where keys change
/// nothing), and as many of the latest events as fit. A short panel sets the
/// settings out in two columns, to leave rows for the events.
struct SettingsPanel: Widget {
    let snapshot: Snapshot
    let theme: Theme
    let focused: Bool
    let showsKeys: Bool

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let inside = theme.panel("settings", focused: focused).render(into: &buffer, area: area, context: context)
        let training = snapshot.settings.training
        // What a recorded run's log left out is said so, not the stand-in value.
        func known(_ name: String, _ value: String) -> String { snapshot.unknownSettings.contains(name) ? Self.notLogged : value }
        let rows: [(name: String, short: String, value: String, key: String)] = [
            ("lr", "lr", known("lr", training.optimizer.learningRate.settingText), "+-"),
            ("clip", "clip", known("clip", training.clipping.text), "]["),
            ("optimizer", "opt", known("optimizer", snapshot.optimizerName ?? training.optimizer.kind.rawValue), "o"),
            ("batch", "batch", known("batch", "\(training.batchSize)"), "bB"),
            ("dropout", "drop", known("dropout", snapshot.model.outputDropout.settingText), "dD"),
            ("cell", "cell", known("cell", snapshot.model.cell.rawValue) + " \(snapshot.model.hiddenSize)", "m"),
        ]
        let twoColumns = inside.height < rows.count + 3 && inside.width >= 28
        let used: Int
        if twoColumns {
            let half = inside.width / 2
            for (i, row) in rows.enumerated() {
                let x = inside.x + (i % 2) * half, y = inside.y + i / 2
                guard y < inside.maxY else { break }
                // A space between the columns; the right one reaches the border ("lstm 64").
                let width = i % 2 == 0 ? half - 1 : inside.width - half
                draw(&buffer, x: x, y: y, width: width, name: row.short, nameWidth: 6, value: row.value, key: row.key)
            }
            used = (rows.count + 1) / 2
        } else {
            for (i, row) in rows.prefix(inside.height).enumerated() {
                draw(&buffer, x: inside.x, y: inside.y + i, width: inside.width, name: row.name, nameWidth: 10, value: row.value, key: row.key)
            }
            used = min(rows.count, inside.height)
        }
        let left = inside.height - used
        guard left > 0 else { return }
        for (i, event) in snapshot.events.suffix(left).enumerated() {
            let text = "\(Format.count(event.step)) \(event.name)" + (event.newValue.map { " \($0)" } ?? "") + (event.applied ? "" : " (refused)")
            buffer.text(inside.x, inside.y + used + i, text, theme.style(event.applied ? theme.muted : theme.diverged), limit: inside.width)
        }
    }

    /// A setting another program's log did not give; "unlogged" where that is too long.
    static let notLogged = "not logged"

    private func draw(_ buffer: inout Buffer, x: Int, y: Int, width: Int, name: String, nameWidth: Int, value: String, key: String) {
        let keyWidth = showsKeys ? key.count + 1 : 0, room = width - nameWidth - keyWidth
        let value = value == Self.notLogged && value.count > room ? "unlogged" : value
        buffer.text(x, y, name, theme.style(theme.muted), limit: nameWidth)
        let style = value == Self.notLogged || value == "unlogged" ? theme.style(theme.muted) : theme.style(theme.foreground)
        buffer.text(x + nameWidth, y, value, style, limit: room)
        if showsKeys { buffer.text(x + width - key.count, y, key, theme.style(theme.highlight, .bold)) }
    }
}

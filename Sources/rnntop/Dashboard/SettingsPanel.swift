import TerminalUI
import Training

/// The tunable settings, each with its key (not in a replay, where keys change
/// nothing), and the latest events.
struct SettingsPanel {
    let snapshot: Snapshot
    let theme: Theme
    let focused: Bool
    let showsKeys: Bool

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let inside = theme.panel("settings", focused: focused).render(into: &buffer, area: area, context: context)
        let training = snapshot.settings.training
        let clip = training.clipping.isOff ? "off" : "\(training.clipping.mode.rawValue) \(Format.setting(training.clipping.threshold))"
        let rows: [(String, String, String)] = [
            ("lr", Format.setting(training.optimizer.learningRate), "+ -"),
            ("clip", clip, "] ["),
            ("optimizer", snapshot.optimizerName ?? training.optimizer.kind.rawValue, "o"),
            ("batch", "\(training.batchSize)", "b B"),
            ("dropout", String(format: "%.1f", snapshot.model.outputDropout), "d D"),
            ("cell", "\(snapshot.model.cell.rawValue) \(snapshot.model.hiddenSize)", "m"),
        ]
        for (i, row) in rows.prefix(inside.height).enumerated() {
            let y = inside.y + i
            buffer.text(inside.x, y, row.0, theme.style(theme.muted), limit: inside.width)
            buffer.text(inside.x + 10, y, row.1, theme.style(theme.foreground), limit: inside.width - 16)
            if showsKeys { buffer.text(inside.maxX - row.2.count, y, row.2, theme.style(theme.highlight, .bold)) }
        }
        let left = inside.height - rows.count
        guard left > 0 else { return }
        for (i, event) in snapshot.events.suffix(left).enumerated() {
            let text = "\(event.step) \(event.name)" + (event.newValue.map { " \($0)" } ?? "") + (event.applied ? "" : " (refused)")
            buffer.text(inside.x, inside.y + rows.count + i, text, theme.style(event.applied ? theme.muted : theme.diverged), limit: inside.width)
        }
    }
}

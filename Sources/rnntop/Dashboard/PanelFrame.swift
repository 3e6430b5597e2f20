import TerminalUI

extension Theme {
    /// The box every dashboard panel sits in: its border highlighted while the panel
    /// has the focus (arrows act on it), its title bold; a title over old data (see
    /// `DataAge`) in the muted colour instead, so the eye does not take it for news.
    func panel(_ title: String, focused: Bool = false, old: Bool = false) -> Panel {
        Panel(title: title, style: style(focused ? highlight : border), titleStyle: old ? style(muted) : style(self.title, .bold))
    }
}

import TerminalUI

extension Theme {
    /// The box every dashboard panel sits in: its border highlighted while the panel
    /// has the focus (arrows act on it), its title bold.
    func panel(_ title: String, focused: Bool = false) -> Panel {
        Panel(title: title, style: style(focused ? highlight : border), titleStyle: style(self.title, .bold))
    }
}

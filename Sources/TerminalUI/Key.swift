/// A key the user pressed, or a change of the window's size.
public enum Key: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case tab, backTab, enter, escape
    case resize
}

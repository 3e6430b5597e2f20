extension CaseIterable where Self: Equatable, AllCases.Index == Int {
    /// The case `offset` places after this one in declaration order, wrapping
    /// around: what a key that cycles through the choices moves to.
    public func cycled(by offset: Int = 1) -> Self {
        let all = Self.allCases
        let index = all.firstIndex(of: self)!
        let count = all.count
        return all[((index + offset) % count + count) % count]
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`: what rates and elapsed times are
    /// computed in.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

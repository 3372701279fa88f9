extension Duration {
    /// Whole milliseconds (sub-millisecond parts dropped): the unit of every configured timeout and timer.
    package var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

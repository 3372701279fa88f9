extension Duration {
    /// The timeout in seconds as `${seconds}` of CONTRACT.md §5.9 writes it: an integer when whole, otherwise up to
    /// three decimals without trailing zeros (`30`, `1.5`, `0.25`).
    ///
    /// Timeouts are configured in whole milliseconds (§10.1), so three decimals are exact; anything finer is
    /// dropped, as `milliseconds` does. Built from integers so no binary fraction can print as `0.30000000000000004`.
    package var secondsText: String {
        let milliseconds = max(0, self.milliseconds)
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        guard fraction != 0 else { return String(whole) }
        var decimals = String(fraction)
        decimals = String(repeating: "0", count: 3 - decimals.count) + decimals
        while decimals.hasSuffix("0") {
            decimals.removeLast()
        }
        return "\(whole).\(decimals)"
    }
}

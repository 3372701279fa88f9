/// CONTRACT.md §5.9's `${seconds}`: whole seconds as an integer, else up to three decimals without trailing zeros.
enum UpstreamTimeoutText {
    static func seconds(milliseconds: Int) -> String {
        if milliseconds % 1000 == 0 { return String(milliseconds / 1000) }
        var fraction = String(milliseconds % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(milliseconds / 1000).\(fraction)"
    }
}

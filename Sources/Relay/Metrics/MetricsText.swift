/// Prometheus text exposition format 0.0.4 (CONTRACT.md E6): `# HELP` and `# TYPE` lines, then one line per sample.
struct MetricsText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    /// The header of one family.
    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// One sample; `labels` in order, values escaped.
    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        sample(name, labels, Self.number(value))
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
        sample(name, labels, String(value))
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label + "=\"" + Self.escapedLabelValue(labelValue) + "\""
            }
            text += "}"
        }
        text += " " + value + "\n"
    }

    /// A histogram's `_bucket` lines (cumulative, ending with `+Inf`), `_sum` and `_count`.
    mutating func histogram(
        _ name: String,
        _ labels: [(String, String)],
        bounds: [Double],
        cumulative: [Int],
        count: Int,
        sum: Double
    ) {
        for (index, bound) in bounds.enumerated() {
            sample(name + "_bucket", labels + [("le", Self.number(bound))], cumulative[index])
        }
        sample(name + "_bucket", labels + [("le", "+Inf")], cumulative[bounds.count])
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, count)
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapedLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Help text escapes backslash and line feed.
    static func escapedHelp(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Go-style float text: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}

import CPostgres

/// The rows of one statement's answer, copied out of libpq's `PGresult` into one byte buffer (values in PostgreSQL's
/// text format). Immutable and `Sendable`. Row and column indices out of range, or unknown column names, are caller
/// bugs and trap.
package struct PostgresRows: Sendable {
    /// Column names, in result order.
    package let columnNames: [String]
    /// Number of rows.
    package let count: Int
    /// Rows the command touched (`PQcmdTuples`: INSERT, UPDATE, DELETE, SELECT, ...); 0 when it reports none.
    package let affectedRows: Int
    /// Every value's bytes, back to back.
    private let storage: [UInt8]
    /// Per cell (row-major), where its bytes start in `storage`; `cellLengths` is -1 for NULL.
    private let cellStarts: [Int]
    private let cellLengths: [Int]

    /// No rows, no columns.
    static let empty = PostgresRows(
        columnNames: [],
        count: 0,
        affectedRows: 0,
        storage: [],
        cellStarts: [],
        cellLengths: []
    )

    private init(
        columnNames: [String],
        count: Int,
        affectedRows: Int,
        storage: [UInt8],
        cellStarts: [Int],
        cellLengths: [Int]
    ) {
        self.columnNames = columnNames
        self.count = count
        self.affectedRows = affectedRows
        self.storage = storage
        self.cellStarts = cellStarts
        self.cellLengths = cellLengths
    }

    /// Copies a `PGresult` (text format). The caller still owns and clears it.
    init(copying result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        columnNames = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        count = rowCount
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        var storage: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        starts.reserveCapacity(rowCount * columnCount)
        lengths.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                starts.append(storage.count)
                if PQgetisnull(result, row, column) == 1 {
                    lengths.append(-1)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                if let value = PQgetvalue(result, row, column), length > 0 {
                    value.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                        storage.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
                    }
                }
                lengths.append(length)
            }
        }
        self.storage = storage
        cellStarts = starts
        cellLengths = lengths
    }

    /// Number of columns.
    package var columnCount: Int { columnNames.count }

    /// The index of the column called `name`, or nil.
    package func column(named name: String) -> Int? { columnNames.firstIndex(of: name) }

    /// Whether the value is SQL NULL.
    package func isNull(_ row: Int, _ column: Int) -> Bool { cellLengths[cell(row, column)] < 0 }

    /// The value's text, or nil for NULL.
    package func string(_ row: Int, _ column: Int) -> String? {
        withValue(row, column) { String(decoding: $0, as: UTF8.self) }
    }

    /// A bytea value (PostgreSQL's hex output, `\x...`, which the connection asks for) decoded; nil for NULL or for a
    /// value that is not hex bytea text.
    package func bytes(_ row: Int, _ column: Int) -> [UInt8]? {
        withValue(row, column) { Self.decodeHexBytea($0) } ?? nil
    }

    /// An integer value; nil for NULL or for text that is not a decimal 64-bit integer.
    package func int64(_ row: Int, _ column: Int) -> Int64? {
        withValue(row, column) { Self.decodeInteger($0) } ?? nil
    }

    /// A boolean value (`t` / `f`); nil for NULL or anything else.
    package func bool(_ row: Int, _ column: Int) -> Bool? {
        withValue(row, column) { value -> Bool? in
            guard value.count == 1 else { return nil }
            switch value[value.startIndex] {
            case UInt8(ascii: "t"): return true
            case UInt8(ascii: "f"): return false
            default: return nil
            }
        } ?? nil
    }

    /// `isNull(_:_:)` by column name.
    package func isNull(_ row: Int, _ column: String) -> Bool { isNull(row, index(of: column)) }
    /// `string(_:_:)` by column name.
    package func string(_ row: Int, _ column: String) -> String? { string(row, index(of: column)) }
    /// `bytes(_:_:)` by column name.
    package func bytes(_ row: Int, _ column: String) -> [UInt8]? { bytes(row, index(of: column)) }
    /// `int64(_:_:)` by column name.
    package func int64(_ row: Int, _ column: String) -> Int64? { int64(row, index(of: column)) }
    /// `bool(_:_:)` by column name.
    package func bool(_ row: Int, _ column: String) -> Bool? { bool(row, index(of: column)) }

    private func index(of column: String) -> Int {
        guard let index = columnNames.firstIndex(of: column) else {
            preconditionFailure("no column \(column) in the result")  // caller bug: the SQL names its columns
        }
        return index
    }

    private func cell(_ row: Int, _ column: Int) -> Int {
        precondition(row >= 0 && row < count && column >= 0 && column < columnCount, "cell out of range")
        return row * columnCount + column
    }

    private func withValue<Result>(_ row: Int, _ column: Int, _ body: (ArraySlice<UInt8>) -> Result) -> Result? {
        let index = cell(row, column)
        let length = cellLengths[index]
        guard length >= 0 else { return nil }
        return body(storage[cellStarts[index]..<cellStarts[index] + length])
    }

    /// `\x` followed by an even number of hex digits (bytea_output = hex).
    static func decodeHexBytea(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count >= 2, text.count % 2 == 0, text.first == UInt8(ascii: "\\"),
            text[text.startIndex + 1] == UInt8(ascii: "x")
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2 - 1)
        var index = text.startIndex + 2
        while index < text.endIndex {
            guard let high = hexDigit(text[index]), let low = hexDigit(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// An optional sign and 1 to 19 decimal digits, checked for overflow.
    static func decodeInteger(_ text: ArraySlice<UInt8>) -> Int64? {
        var index = text.startIndex
        var isNegative = false
        if index < text.endIndex, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            isNegative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < text.endIndex else { return nil }
        var value: Int64 = 0
        while index < text.endIndex {
            let character = text[index]
            guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(character - UInt8(ascii: "0"))
            // Accumulate negatively so Int64.min parses too.
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return nil }
            value = next
            index += 1
        }
        if isNegative { return value }
        return value == Int64.min ? nil : -value
    }
}

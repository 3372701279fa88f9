/// Checks a whole document in one pass over its bytes, with an explicit stack of open containers instead of
/// recursion, so a megabyte of `[` ends in `tooDeep` or a long stack array, never a stack overflow. Only the
/// top-level object's member names and string values are decoded into `String`s; everything else is validated
/// in place.
struct JSONScanner {
    /// What the next non-whitespace byte must be; each case names the bytes that leave it.
    private enum Expectation {
        /// Any value: `{` → `.firstKeyOrEnd`, `[` → `.firstValueOrEnd`, a scalar → `.commaOrEnd` (or done).
        case value
        /// Just after `[`: `]` closes the empty array, anything else is read as in `.value`.
        case firstValueOrEnd
        /// Just after `{`: `}` closes the empty object, `"` starts a name → `.colon`.
        case firstKeyOrEnd
        /// After a comma inside an object: only `"` starting a name → `.colon`.
        case key
        /// After a name: only `:` → `.value`.
        case colon
        /// After a value inside a container: `,` → `.key` or `.value`, or the container's closing bracket.
        case commaOrEnd
    }

    /// An open container on the stack.
    private enum Container {
        case object
        case array
    }

    /// The top-level member whose name has been read and whose value is still being scanned.
    private struct PendingMember {
        var name = ""
        var start = 0
        var valueStart = 0
        var kind = JSONValueKind.null
        var stringValue: String?
        var boolValue: Bool?
    }

    let input: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int?
    var index = 0
    private var expectation = Expectation.value
    private var containers: [Container] = []
    private var pending = PendingMember()
    /// Reused for every decoded string, so decoding allocates once per member rather than per byte.
    var scratch: [UInt8] = []
    private(set) var rootKind = JSONValueKind.null
    private(set) var members: [JSONMember] = []

    init(_ input: UnsafeBufferPointer<UInt8>, maximumDepth: Int?) {
        self.input = input
        self.maximumDepth = maximumDepth
    }

    /// Scans the whole input: exactly one value between optional whitespace.
    mutating func scanDocument() throws(JSONError) {
        guard !input.isEmpty else {
            throw JSONError(offset: 0, reason: .emptyInput)
        }
        if input.starts(with: JSONSyntax.byteOrderMark) {
            throw JSONError(offset: 0, reason: .byteOrderMark)
        }
        var isComplete = false
        while !isComplete {
            skipWhitespace()
            guard index < input.count else {
                throw JSONError(offset: index, reason: .unexpectedEnd)
            }
            isComplete = try scanToken(input[index])
        }
        skipWhitespace()
        guard index == input.count else {
            throw JSONError(offset: index, reason: .trailingBytes)
        }
    }

    /// Scans one token starting with `byte`; true when it completed the top-level value.
    private mutating func scanToken(_ byte: UInt8) throws(JSONError) -> Bool {
        switch expectation {
        case .value:
            return try scanValue(byte)
        case .firstValueOrEnd:
            return byte == JSONSyntax.endArray ? closeContainer() : try scanValue(byte)
        case .firstKeyOrEnd:
            if byte == JSONSyntax.endObject {
                return closeContainer()
            }
            try scanName(byte)
        case .key:
            try scanName(byte)
        case .colon:
            guard byte == JSONSyntax.colon else {
                throw JSONError(offset: index, reason: .unexpectedByte)
            }
            index += 1
            expectation = .value
        case .commaOrEnd:
            let isObject = containers[containers.count - 1] == .object
            if byte == JSONSyntax.comma {
                index += 1
                expectation = isObject ? .key : .value
            } else if byte == (isObject ? JSONSyntax.endObject : JSONSyntax.endArray) {
                return closeContainer()
            } else {
                throw JSONError(offset: index, reason: .unexpectedByte)
            }
        }
        return false
    }

    /// Reads the value starting with `byte`: a whole scalar, or just the bracket opening a container.
    private mutating func scanValue(_ byte: UInt8) throws(JSONError) -> Bool {
        let start = index
        let isRoot = containers.isEmpty
        let isMemberValue = containers.count == 1 && containers[0] == .object
        var stringValue: String?
        var boolValue: Bool?
        let kind: JSONValueKind
        switch byte {
        case JSONSyntax.beginObject:
            try openContainer(.object)
            kind = .object
        case JSONSyntax.beginArray:
            try openContainer(.array)
            kind = .array
        case JSONSyntax.quotationMark:
            stringValue = try scanString(decoding: isMemberValue)
            kind = .string
        case JSONSyntax.minus, JSONSyntax.zero...UInt8(ascii: "9"):
            try scanNumber()
            kind = .number
        case UInt8(ascii: "t"):
            try scanLiteral(JSONSyntax.trueLiteral)
            (kind, boolValue) = (.bool, true)
        case UInt8(ascii: "f"):
            try scanLiteral(JSONSyntax.falseLiteral)
            (kind, boolValue) = (.bool, false)
        case UInt8(ascii: "n"):
            try scanLiteral(JSONSyntax.nullLiteral)
            kind = .null
        default:
            throw JSONError(offset: index, reason: .unexpectedByte)
        }
        if isRoot {
            rootKind = kind
        }
        if isMemberValue {
            pending.valueStart = start
            pending.kind = kind
            pending.stringValue = stringValue
            pending.boolValue = boolValue
        }
        return kind == .object || kind == .array ? false : valueEnded()
    }

    /// Reads a member name and, in the top-level object, keeps it for the member being built.
    private mutating func scanName(_ byte: UInt8) throws(JSONError) {
        guard byte == JSONSyntax.quotationMark else {
            throw JSONError(offset: index, reason: .unexpectedByte)
        }
        let start = index
        let isTopLevel = containers.count == 1
        let name = try scanString(decoding: isTopLevel)
        if isTopLevel, let name {
            pending.name = name
            pending.start = start
        }
        expectation = .colon
    }

    private mutating func openContainer(_ container: Container) throws(JSONError) {
        if let maximumDepth, containers.count >= maximumDepth {
            throw JSONError(offset: index, reason: .tooDeep)
        }
        containers.append(container)
        index += 1
        expectation = container == .object ? .firstKeyOrEnd : .firstValueOrEnd
    }

    private mutating func closeContainer() -> Bool {
        index += 1
        containers.removeLast()
        return valueEnded()
    }

    /// A value ended at `index`: true when it was the top-level one; a top-level member's value completes it.
    private mutating func valueEnded() -> Bool {
        if containers.isEmpty {
            return true
        }
        if containers.count == 1 && containers[0] == .object {
            members.append(
                JSONMember(
                    name: pending.name,
                    kind: pending.kind,
                    memberRange: pending.start..<index,
                    valueRange: pending.valueStart..<index,
                    stringValue: pending.stringValue,
                    boolValue: pending.boolValue
                )
            )
        }
        expectation = .commaOrEnd
        return false
    }

    private mutating func skipWhitespace() {
        while index < input.count && JSONSyntax.isWhitespace(input[index]) {
            index += 1
        }
    }
}

/// One member of the top-level object, with byte ranges into the scanned input so a caller can splice the body
/// in place instead of re-serialising it.
package struct JSONMember: Sendable, Equatable {
    /// The member name with its escapes decoded.
    package var name: String
    /// The kind of the member's value.
    package var kind: JSONValueKind
    /// From the opening quote of the name to the end of the value, in bytes from the start of the input.
    package var memberRange: Range<Int>
    /// The value's bytes, quotes included for a string.
    package var valueRange: Range<Int>
    /// The decoded value when `kind` is `.string`; nil otherwise.
    package var stringValue: String?
    /// The value when `kind` is `.bool`; nil otherwise.
    package var boolValue: Bool?

    /// A member as the scanner reports it.
    package init(
        name: String,
        kind: JSONValueKind,
        memberRange: Range<Int>,
        valueRange: Range<Int>,
        stringValue: String? = nil,
        boolValue: Bool? = nil
    ) {
        self.name = name
        self.kind = kind
        self.memberRange = memberRange
        self.valueRange = valueRange
        self.stringValue = stringValue
        self.boolValue = boolValue
    }

    /// Compares names and string values scalar by scalar: `String`'s `==` treats canonically equivalent text as
    /// equal (U+212A KELVIN SIGN equals `K`), but JSON names, like JavaScript's, are distinct unless identical.
    package static func == (lhs: JSONMember, rhs: JSONMember) -> Bool {
        lhs.name.utf8.elementsEqual(rhs.name.utf8) && lhs.kind == rhs.kind && lhs.memberRange == rhs.memberRange
            && lhs.valueRange == rhs.valueRange && lhs.boolValue == rhs.boolValue
            && JSONMember.sameText(lhs.stringValue, rhs.stringValue)
    }

    /// Whether the member's decoded name is exactly `name`, compared as UTF-8 bytes (see `==`).
    package func isNamed(_ name: String) -> Bool {
        self.name.utf8.elementsEqual(name.utf8)
    }

    private static func sameText(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil):
            return true
        case (let lhs?, let rhs?):
            return lhs.utf8.elementsEqual(rhs.utf8)
        default:
            return false
        }
    }
}

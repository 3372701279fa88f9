/// Rewrites one top-level member of a scanned body in place, every other byte kept as sent, so the relay can
/// change `"model"` without re-serialising (and so reordering or reformatting) the client's JSON.
package enum JSONSplice {
    /// `bytes` with the member's value replaced by `newValue` written as a JSON string (`JSONString.encode`).
    /// `member` must come from scanning exactly these bytes.
    package static func replacingStringValue(
        of member: JSONMember,
        in bytes: [UInt8],
        with newValue: String
    ) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count - member.valueRange.count + newValue.utf8.count + 2)
        result.append(contentsOf: bytes[..<member.valueRange.lowerBound])
        JSONString.encode(newValue, into: &result)
        result.append(contentsOf: bytes[member.valueRange.upperBound...])
        return result
    }

    /// `bytes` without the member and exactly one comma: the one after it up to the next member's name, or, for
    /// the last of several, the one before it from the end of the previous value. The result is still one valid
    /// object; whitespace outside the cut is untouched. `member` must be one of `document.members`, scanned from
    /// exactly these bytes.
    package static func removing(_ member: JSONMember, from bytes: [UInt8], document: JSONDocument) -> [UInt8] {
        let members = document.members
        guard let position = members.firstIndex(where: { $0.memberRange == member.memberRange }) else {
            preconditionFailure("the member is not one of the document's")
        }
        let cut: Range<Int>
        if position + 1 < members.count {
            cut = member.memberRange.lowerBound..<members[position + 1].memberRange.lowerBound
        } else if position > 0 {
            cut = members[position - 1].memberRange.upperBound..<member.memberRange.upperBound
        } else {
            cut = member.memberRange
        }
        var result = bytes
        result.removeSubrange(cut)
        return result
    }
}

import FuzzDriver
import JSON

/// The process entry point under SwiftPM's name for it (see FuzzDriver).
@_cdecl("JSONFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}

/// libFuzzer entry point for `JSONDocument`. Each input is scanned as a document and, with its structural bytes
/// removed, as the inside of a string; the run checks the scanner's promises: it never traps, agrees with itself
/// whatever form the bytes come in, accepts exactly the well-formed UTF-8 the standard library accepts, reports
/// member ranges in order and inside the input, and its splices give documents that re-parse as intended.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkUTF8AgreesWithStandardLibrary(bytes)
    let result = Result { () throws(JSONError) in try JSONDocument(parsing: bytes, maximumDepth: nil) }
    let limited = Result { () throws(JSONError) in try JSONDocument(parsing: bytes, maximumDepth: 8) }
    let padded = [UInt8(ascii: "x")] + bytes
    let sliced = Result { () throws(JSONError) in try JSONDocument(parsing: padded[1...], maximumDepth: nil) }
    switch (result, sliced) {
    case (.success(let document), .success(let fromSlice)):
        precondition(document.members == fromSlice.members && document.rootKind == fromSlice.rootKind, "slice")
        switch limited {
        case .success(let shallow):
            precondition(shallow.members == document.members, "a depth limit changed the members")
        case .failure(let refusal):
            precondition(refusal.reason == .tooDeep, "refused only with a depth limit: \(refusal)")
        }
        checkInvariants(of: document, in: bytes)
    case (.failure(let error), .failure(let fromSlice)):
        precondition(error == fromSlice, "slice: \(error) != \(fromSlice)")
        precondition(error.offset >= 0 && error.offset <= bytes.count, "offset \(error.offset) of \(bytes.count)")
        if case .failure(let shallow) = limited {
            precondition(shallow.reason == .tooDeep || shallow == error, "depth limit: \(shallow) != \(error)")
        } else {
            preconditionFailure("accepted with a depth limit, refused without")
        }
    default:
        preconditionFailure("an array and a slice of the same bytes disagree")
    }
    return 0
}

/// The bytes with quotes, backslashes and controls dropped, between quotes, must be accepted exactly when they are
/// well-formed UTF-8.
private func checkUTF8AgreesWithStandardLibrary(_ bytes: [UInt8]) {
    let inside = bytes.filter { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    let string = [UInt8(ascii: "\"")] + inside + [UInt8(ascii: "\"")]
    let isWellFormed = String(validating: inside, as: UTF8.self) != nil
    let outcome = Result { () throws(JSONError) in try JSONDocument(parsing: string, maximumDepth: 0) }
    switch outcome {
    case .success(let document):
        precondition(isWellFormed && document.rootKind == .string, "accepted ill-formed UTF-8 \(inside)")
    case .failure(let error):
        precondition(!isWellFormed && error.reason == .invalidUTF8, "refused \(inside) with \(error)")
    }
}

/// Member ranges are ordered and inside the input, each value alone is a document of its kind, names survive
/// being written again, and splicing each member gives a document that re-parses as intended.
private func checkInvariants(of document: JSONDocument, in bytes: [UInt8]) {
    precondition(document.rootKind == .object || document.members.isEmpty, "members outside an object")
    var previousEnd = 0
    for member in document.members {
        precondition(member.memberRange.lowerBound > previousEnd, "members overlap or are out of order")
        precondition(member.memberRange.upperBound <= bytes.count, "member past the end")
        precondition(member.valueRange.upperBound == member.memberRange.upperBound, "value does not end the member")
        precondition(member.valueRange.lowerBound > member.memberRange.lowerBound + 1, "value inside the name")
        precondition(bytes[member.memberRange.lowerBound] == UInt8(ascii: "\""), "member does not start with a quote")
        previousEnd = member.memberRange.upperBound
        guard let value = try? JSONDocument(parsing: bytes[member.valueRange], maximumDepth: nil) else {
            preconditionFailure("the value of a member does not scan alone")
        }
        precondition(value.rootKind == member.kind, "value alone is a \(value.rootKind), not a \(member.kind)")
        precondition((member.kind == .string) == (member.stringValue != nil), "string value and kind disagree")
        precondition((member.kind == .bool) == (member.boolValue != nil), "bool value and kind disagree")
        let rewritten = Array("{".utf8) + JSONString.encoded(member.name) + Array(":0}".utf8)
        let named = try? JSONDocument(parsing: rewritten, maximumDepth: 1)
        precondition(named?.members.first?.isNamed(member.name) == true, "name does not survive being written")
        precondition(document.count(ofMembersNamed: member.name) >= 1, "count misses a member")
        let last = document.lastMember(named: member.name)
        precondition(last.map { $0.memberRange.lowerBound >= member.memberRange.lowerBound } == true, "last")
    }
    for (position, member) in document.members.enumerated().prefix(16) {
        checkSplices(of: member, at: position, in: document, bytes: bytes)
    }
}

/// Removing the member drops exactly it; replacing its value gives that value and keeps the bytes before it.
private func checkSplices(of member: JSONMember, at position: Int, in document: JSONDocument, bytes: [UInt8]) {
    let removed = JSONSplice.removing(member, from: bytes, document: document)
    guard let afterRemoval = try? JSONDocument(parsing: removed, maximumDepth: nil) else {
        preconditionFailure("removing member \(position) broke the document")
    }
    var names = document.members.map(\.name)
    names.remove(at: position)
    precondition(afterRemoval.members.map(\.name).elementsEqual(names) { $0.utf8.elementsEqual($1.utf8) }, "removal")

    // The new value is made from the input itself, so quotes, backslashes and controls get written too.
    let newValue = String(decoding: bytes.prefix(24), as: UTF8.self) + (member.stringValue ?? member.name)
    let replaced = JSONSplice.replacingStringValue(of: member, in: bytes, with: newValue)
    guard let afterReplacement = try? JSONDocument(parsing: replaced, maximumDepth: nil) else {
        preconditionFailure("replacing member \(position) broke the document")
    }
    precondition(replaced[..<member.valueRange.lowerBound].elementsEqual(bytes[..<member.valueRange.lowerBound]))
    let written = afterReplacement.members[position]
    precondition(written.kind == .string && written.stringValue.map { $0.utf8.elementsEqual(newValue.utf8) } == true)
    precondition(afterReplacement.members.count == document.members.count, "replacement changed the member count")
}

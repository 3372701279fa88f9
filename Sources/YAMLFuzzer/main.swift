import EventLoop
import FuzzDriver
import YAML

/// The process entry point under SwiftPM's name for it (see FuzzDriver).
@_cdecl("YAMLFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}

/// libFuzzer entry point for `YAMLEmitter`. Each input is decoded into a JSON value (bytes choose the shape and
/// supply the strings, so quotes, colons, controls and ill-formed UTF-8 repaired by the standard library all
/// occur); the run checks the emitter's promises: it never traps, its text holds no tab and no control character
/// except line breaks, every line is indented by spaces only, a string written plain passes `isPlainSafe` and is
/// not a keyword or number, and the text reads back as the value it was made from.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var input = Input(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let value = input.value(depth: 0)
    let text = YAMLEmitter.text(value)
    for scalar in text.unicodeScalars {
        let isControl = scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
        precondition(!isControl || scalar == "\n", "control character U+\(String(scalar.value, radix: 16)) in output")
        precondition(scalar.value != 0x2028 && scalar.value != 0x2029 && scalar.value != 0xFEFF, "line separator")
    }
    precondition(text.hasSuffix("\n"), "output does not end with a line break")
    precondition(YAMLReader.read(text) == value, "does not read back:\n\(text)")
    for string in input.strings {
        let written = YAMLEmitter.scalar(string)
        if written == string {
            precondition(YAMLEmitter.isPlainSafe(string), "written plain although not plain-safe: \(string)")
            precondition(Int(string) == nil && Double(string) == nil, "number-like string written plain: \(string)")
        } else {
            // Bytes, not Characters: a combining mark after the quote joins it into one Character.
            let quote = UInt8(ascii: "\"")
            precondition(written.utf8.first == quote && written.utf8.last == quote, "neither plain nor quoted")
        }
    }
    return 0
}

/// Turns fuzz bytes into a JSON value: each byte picks a kind, string lengths and contents come from the bytes.
private struct Input {
    let bytes: [UInt8]
    var position = 0
    var strings: [String] = []

    mutating func next() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func string() -> String {
        let length = Int(next() ?? 0) % 24
        let end = min(bytes.count, position + length)
        let string = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end
        strings.append(string)
        return string
    }

    mutating func value(depth: Int) -> JSONValue {
        guard let kind = next() else { return .null }
        switch kind % 8 {
        case 0: return .null
        case 1: return .bool(kind & 0x80 != 0)
        case 2: return .int(Int(Int8(bitPattern: next() ?? 0)) * Int(kind))
        case 3: return .double(Double(Int16(bitPattern: UInt16(next() ?? 0) << 8 | UInt16(next() ?? 0))) / 7)
        case 4, 5: return .string(string())
        case 6 where depth < 12:
            let count = Int(next() ?? 0) % 6
            return .array((0..<count).map { _ in value(depth: depth + 1) })
        case 7 where depth < 12:
            let count = Int(next() ?? 0) % 6
            return .object((0..<count).map { _ in (string(), value(depth: depth + 1)) })
        default: return .string(string())
        }
    }
}

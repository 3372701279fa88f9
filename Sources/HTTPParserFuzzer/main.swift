import FuzzDriver
import HTTP

/// The process entry point under SwiftPM's name for it (see FuzzDriver).
@_cdecl("HTTPParserFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}

/// libFuzzer entry point for `HTTPRequestParser`. The first two bytes choose the limits and how the rest is cut into
/// reads; the run then checks the parser's promises (STYLE.md §10): it never traps, never consumes more than it was
/// given, reports body ranges inside the input, and ends each input in events or one refusal — the same ones
/// whether the input arrives whole or in pieces.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size >= 2 else {
        return 0
    }
    let control = UnsafeBufferPointer(start: data, count: 2)
    let request = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    // Small limits reach the 431 and 413 paths with short inputs; the defaults check the real configuration.
    let limits =
        control[0] & 1 == 0
        ? HTTPParserLimits()
        : HTTPParserLimits(maxHeadBytes: 96, maxHeaders: 4, maxBodyBytes: 32)
    let readSize = Int(control[1]) + 1
    let whole = FuzzRun(limits: limits, chunks: [request])
    let pieces = FuzzRun(
        limits: limits,
        chunks: stride(from: 0, to: request.count, by: readSize).map {
            Array(request[$0..<min($0 + readSize, request.count)])
        }
    )
    let bytewise = FuzzRun(limits: limits, chunks: request.map { [$0] })
    precondition(whole == pieces, "split into reads of \(readSize): \(whole) != \(pieces)")
    precondition(whole == bytewise, "fed byte by byte: \(whole) != \(bytewise)")
    return 0
}

/// What feeding one input produced: events with body bytes copied out (consecutive bodies merged) and the refusal.
struct FuzzRun: Equatable {
    /// A parser event with its body bytes.
    enum Item: Equatable {
        case head(HTTPRequestHead)
        case body([UInt8])
        case end
    }

    var items: [Item] = []
    var error: HTTPParseError?

    /// Feeds the chunks as a connection does and checks each call's promises.
    init(limits: HTTPParserLimits, chunks: [[UInt8]]) {
        var parser = HTTPRequestParser(limits: limits)
        var buffer: [UInt8] = []
        for chunk in chunks {
            buffer.append(contentsOf: chunk)
            feeding: while error == nil {
                var events: [HTTPRequestParser.Event] = []
                let result = buffer.withUnsafeBytes { bytes in
                    Result { () throws(HTTPParseError) in try parser.parse(bytes, into: &events) }
                }
                record(events, from: buffer)
                switch result {
                case .failure(let refusal):
                    error = refusal
                    var after: [HTTPRequestParser.Event] = []
                    let again = buffer.withUnsafeBytes { bytes in
                        Result { () throws(HTTPParseError) in try parser.parse(bytes, into: &after) }
                    }
                    precondition(again == .failure(refusal) && after.isEmpty, "parser alive after a refusal")
                case .success(let consumed):
                    precondition(consumed >= 0 && consumed <= buffer.count, "consumed \(consumed) of \(buffer.count)")
                    precondition(consumed > 0 || events.isEmpty, "events without consuming")
                    buffer.removeFirst(consumed)
                    if consumed == 0 {
                        break feeding  // needs the next chunk
                    }
                }
            }
            if error != nil {
                return
            }
        }
    }

    /// Appends the events, checking that bodies are non-empty ranges inside the input and follow a head.
    private mutating func record(_ events: [HTTPRequestParser.Event], from buffer: [UInt8]) {
        for event in events {
            switch event {
            case .head(let head):
                precondition(items.last == nil || items.last == .end, "head inside a request")
                items.append(.head(head))
            case .body(let range):
                precondition(!range.isEmpty && range.lowerBound >= 0 && range.upperBound <= buffer.count, "\(range)")
                if case .body(let earlier) = items.last {
                    items[items.count - 1] = .body(earlier + buffer[range])
                } else {
                    precondition(items.last != nil && items.last != .end, "body outside a request")
                    items.append(.body(Array(buffer[range])))
                }
            case .end:
                precondition(items.last != nil && items.last != .end, "end outside a request")
                items.append(.end)
            }
        }
    }
}

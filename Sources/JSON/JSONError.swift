/// Why and where `JSONDocument` refused its input. It carries no input bytes, so it is safe to log; a relay answers
/// it with its contract's generic 400 text and never echoes the offset or the body.
package struct JSONError: Error, Sendable, Equatable {
    /// The RFC 8259 rule the input broke.
    package enum Reason: Sendable, Equatable {
        /// No bytes at all; whether an empty body means `{}` is the caller's decision.
        case emptyInput
        /// The input starts with a UTF-8 byte order mark, which RFC 8259 §8.1 forbids a sender to add.
        case byteOrderMark
        /// A byte that cannot start or continue the value expected here (offset: that byte).
        case unexpectedByte
        /// The input ended inside a value (offset: the input's length).
        case unexpectedEnd
        /// Something other than whitespace follows the top-level value (offset: its first byte).
        case trailingBytes
        /// A misspelt `true`, `false` or `null` (offset: the first wrong byte, or the length when cut short).
        case invalidLiteral
        /// A number outside RFC 8259 §6: leading zeros, `1.`, `1e`, a lone `-` (offset: the first wrong byte).
        case invalidNumber
        /// A backslash followed by anything but `" \ / b f n r t u` (offset: the backslash).
        case invalidEscape
        /// `\u` not followed by four hexadecimal digits (offset: the backslash).
        case invalidUnicodeEscape
        /// A `\uD800`–`\uDFFF` escape that is not a high surrogate followed by a low one (offset: the backslash).
        case loneSurrogate
        /// U+0000–U+001F unescaped inside a string (offset: that byte).
        case controlCharacter
        /// Bytes inside a string that are not well-formed UTF-8: stray continuation bytes, overlong forms,
        /// UTF-8 encoded surrogates, values over U+10FFFF, cut-short sequences (offset: the sequence's first byte).
        case invalidUTF8
        /// An array or object nested deeper than `maximumDepth` (offset: its opening bracket).
        case tooDeep
    }

    /// Where the scanner stopped, in bytes from the start of the input.
    package var offset: Int
    /// Which rule was broken.
    package var reason: Reason

    /// A refusal at `offset` for `reason`.
    package init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }
}

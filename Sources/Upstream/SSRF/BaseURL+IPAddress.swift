extension BaseURL.Host {
    /// The "ends in a number" checker: whether the last label (one trailing empty label ignored) is all digits
    /// or parses as an IPv4 number, in which case the whole host must be an IPv4 address.
    static func endsInNumber(_ host: [UInt8]) -> Bool {
        var labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.last?.isEmpty == true {
            guard labels.count > 1 else { return false }
            labels.removeLast()
        }
        guard let last = labels.last else { return false }
        if !last.isEmpty && last.allSatisfy({ ASCII.isDigit(UInt32($0)) }) { return true }
        return ipv4Number(last) != nil
    }

    /// The IPv4 parser: 1–4 parts, each decimal, `0x` hexadecimal or `0` octal; the last part fills the bytes
    /// left; one trailing dot allowed.
    static func ipv4Address(_ host: [UInt8]) -> UInt32? {
        var parts = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true, parts.count > 1 { parts.removeLast() }
        guard parts.count <= 4 else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = ipv4Number(part) else { return nil }
            numbers.append(number)
        }
        guard let last = numbers.popLast(), numbers.allSatisfy({ $0 <= 255 }) else { return nil }
        guard last < UInt64(1) << (8 * (4 - numbers.count)) else { return nil }
        var address = last
        for (index, number) in numbers.enumerated() {
            address += number << (8 * (3 - index))
        }
        return UInt32(address)
    }

    /// The IPv4 number parser; values past 2³² saturate (they fail the range check all the same).
    static func ipv4Number(_ part: ArraySlice<UInt8>) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix: UInt32 = 10
        if part.count >= 2, part.first == UInt8(ascii: "0"),
            [UInt8(ascii: "x"), UInt8(ascii: "X")].contains(part.dropFirst().first)
        {
            radix = 16
            digits = part.dropFirst(2)
        } else if part.count >= 2, part.first == UInt8(ascii: "0") {
            radix = 8
            digits = part.dropFirst()
        }
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = ASCII.digitValue(UInt32(byte), radix: radix) else { return nil }
            value = min(value * UInt64(radix) + UInt64(digit), UInt64(1) << 33)
        }
        return value
    }

    /// The IPv6 parser on the text between the brackets: `::` compression and a dotted IPv4 tail; anything
    /// else, a zone identifier's `%` included, fails.
    static func ipv6Pieces(_ input: [UInt32]) -> [UInt16]? {
        var address = [UInt32](repeating: 0, count: 8)
        var pieceIndex = 0
        var compress: Int?
        var pointer = 0
        let colon = UInt32(UInt8(ascii: ":"))
        let dot = UInt32(UInt8(ascii: "."))
        func at(_ index: Int) -> UInt32? { index < input.count ? input[index] : nil }
        if at(pointer) == colon {
            guard at(pointer + 1) == colon else { return nil }
            pointer += 2
            pieceIndex += 1
            compress = pieceIndex
        }
        while let current = at(pointer) {
            guard pieceIndex != 8 else { return nil }
            if current == colon {
                guard compress == nil else { return nil }
                pointer += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            var value: UInt32 = 0
            var length = 0
            while length < 4, let scalar = at(pointer), let digit = ASCII.digitValue(scalar, radix: 16) {
                value = value * 0x10 + digit
                pointer += 1
                length += 1
            }
            if at(pointer) == dot {
                guard length != 0, pieceIndex <= 6 else { return nil }
                pointer -= length
                guard let tail = ipv4Tail(input, from: pointer) else { return nil }
                address[pieceIndex] = tail >> 16
                address[pieceIndex + 1] = tail & 0xFFFF
                pieceIndex += 2
                pointer = input.count
                break
            } else if at(pointer) == colon {
                pointer += 1
                guard at(pointer) != nil else { return nil }
            } else if at(pointer) != nil {
                return nil
            }
            address[pieceIndex] = value
            pieceIndex += 1
        }
        if let compress {
            var swaps = pieceIndex - compress
            pieceIndex = 7
            while pieceIndex != 0 && swaps > 0 {
                address.swapAt(pieceIndex, compress + swaps - 1)
                pieceIndex -= 1
                swaps -= 1
            }
        } else if pieceIndex != 8 {
            return nil
        }
        return address.map { UInt16($0) }
    }

    /// The IPv6 parser's IPv4 step: exactly four decimal parts, 0–255, no leading zeros, to the end of input.
    private static func ipv4Tail(_ input: [UInt32], from start: Int) -> UInt32? {
        var pointer = start
        var numbersSeen = 0
        var address: UInt32 = 0
        while pointer < input.count {
            if numbersSeen > 0 {
                guard input[pointer] == UInt32(UInt8(ascii: ".")), numbersSeen < 4 else { return nil }
                pointer += 1
            }
            guard pointer < input.count, ASCII.isDigit(input[pointer]) else { return nil }
            var piece: UInt32?
            while pointer < input.count, ASCII.isDigit(input[pointer]) {
                let number = input[pointer] - 0x30
                switch piece {
                case nil: piece = number
                case 0?: return nil
                case let existing?: piece = existing * 10 + number
                }
                guard let piece, piece <= 255 else { return nil }
                pointer += 1
            }
            address = address << 8 | (piece ?? 0)
            numbersSeen += 1
        }
        return numbersSeen == 4 ? address : nil
    }
}

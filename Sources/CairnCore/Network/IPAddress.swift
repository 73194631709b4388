import Foundation

/// An IPv4 or IPv6 address, parsed from every notation a URL host may carry.
///
/// Hosts are read the way browsers and HTTP clients read them (the WHATWG URL host parser, which follows
/// `inet_aton`): IPv4 in one to four parts, each decimal, octal (`0251`) or hexadecimal (`0xa9`), so
/// `2852039166`, `0xA9FEA9FE`, `0251.0376.0251.0376` and `169.254.43518` all name `169.254.169.254`; a trailing dot
/// is dropped. IPv6 in brackets or bare, with `::` compression, a dotted IPv4 tail (`::ffff:169.254.169.254`) and a
/// zone (`fe80::1%eth0`, `%25eth0`) that is ignored. Anything else is not an address (it may be a DNS name).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// Parses `text` as an address literal; `nil` when it is none.
    public init?(parsing text: some StringProtocol) {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
            guard let v6 = Self.parseV6(host) else { return nil }
            self = .v6(v6)
            return
        }
        if host.contains(":") {
            guard let v6 = Self.parseV6(host) else { return nil }
            self = .v6(v6)
            return
        }
        guard let v4 = Self.parseV4(host) else { return nil }
        self = .v4(v4)
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
        case .v6(let value):
            let groups = (0..<8).map { String((value >> (112 - 16 * UInt128($0))) & 0xFFFF, radix: 16) }
            return groups.joined(separator: ":")
        }
    }

    /// The IPv4 address an IPv6 address stands for or carries: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`) and 6to4 (`2002:AABB:CCDD::/48`). `nil` otherwise.
    public var embeddedV4: UInt32? {
        guard case .v6(let value) = self else { return nil }
        let low32 = UInt32(truncatingIfNeeded: value)
        if value >> 32 == 0xFFFF { return low32 }
        if value >> 32 == 0, value > 1 { return low32 }
        if value >> 32 == 0x0064_FF9B_0000_0000_0000_0000 { return low32 }
        if value >> 80 == 0x0064_FF9B_0001 { return low32 }
        if value >> 112 == 0x2002 { return UInt32(truncatingIfNeeded: value >> 80) }
        return nil
    }

    // MARK: Parsing

    /// IPv4 by the WHATWG rules: `nil` unless every part is a number and the whole fits in 32 bits.
    static func parseV4(_ text: Substring) -> UInt32? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseV4Part(part) else { return nil }
            numbers.append(number)
        }
        var value: UInt64 = 0
        for number in numbers.dropLast() {
            guard number <= 255 else { return nil }
            value = value << 8 | number
        }
        let lastBits = UInt64(8 * (5 - numbers.count))
        guard let last = numbers.last, last < (1 << lastBits) else { return nil }
        value = value << lastBits | last
        return UInt32(truncatingIfNeeded: value)
    }

    /// One part: `0x…` hexadecimal (empty digits read as 0), a leading `0` octal, else decimal; at most 2^32.
    static func parseV4Part(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = character.hexDigitValue, UInt64(digit) < radix else { return nil }
            value = value * radix + UInt64(digit)
            guard value <= 0xFFFF_FFFF else { return nil }
        }
        return value
    }

    /// IPv6 (RFC 4291 text forms), without brackets; a `%zone` suffix is ignored.
    static func parseV6(_ text: Substring) -> UInt128? {
        let address = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowV4Tail: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, allowV4Tail, piece.contains(".") {
                    let octets = piece.split(separator: ".", omittingEmptySubsequences: false)
                    guard octets.count == 4 else { return nil }
                    var v4: UInt32 = 0
                    for octet in octets {
                        guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCII),
                            let byte = UInt8(octet), octet == "0" || !octet.hasPrefix("0")
                        else { return nil }
                        v4 = v4 << 8 | UInt32(byte)
                    }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), piece.allSatisfy(\.isASCII),
                    let group = UInt16(piece, radix: 16)
                else { return nil }
                out.append(group)
            }
            return out
        }
        let all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowV4Tail: false), let tail = groups(halves[1], allowV4Tail: true),
                head.count + tail.count <= 7
            else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(halves[0], allowV4Tail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}

/// A block of addresses in CIDR form (`10.0.0.0/8`, `fd00::/8`); a single address is a block of one.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    /// Parses `10.0.0.0/8`, `fd00:ec2::254/128` or a bare address.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let base = IPAddress(parsing: parts[0]) else { return nil }
        let maxLength = if case .v4 = base { 32 } else { 128 }
        var length = maxLength
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCII), let parsed = Int(parts[1]), (0...maxLength).contains(parsed) else {
                return nil
            }
            length = parsed
        }
        self.base = base
        self.prefixLength = length
    }

    public var description: String { "\(base)/\(prefixLength)" }

    /// Whether `address` lies in this block (IPv4 and IPv6 never match each other; see ``IPAddress/embeddedV4``).
    public func contains(_ address: IPAddress) -> Bool {
        switch (base, address) {
        case (.v4(let network), .v4(let value)):
            guard prefixLength > 0 else { return true }
            let shift = UInt32(32 - prefixLength)
            return network >> shift == value >> shift
        case (.v6(let network), .v6(let value)):
            guard prefixLength > 0 else { return true }
            let shift = UInt128(128 - prefixLength)
            return network >> shift == value >> shift
        default:
            return false
        }
    }
}

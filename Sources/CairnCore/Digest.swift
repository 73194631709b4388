/// A SHA-256 content digest, the identity of every stored file.
///
/// Canonical text form is `sha256:` followed by 64 lowercase hex digits; ``init(parsing:)`` also accepts the bare hex
/// form. The storage location of a blob is always derived from this value, never from a client-supplied path.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// 64 lowercase hex digits.
    public let hex: String

    /// Parses `sha256:<64 hex>` or `<64 hex>` (any case).
    /// - Throws: `RegistryError` `.invalidArgument` if the text is not a SHA-256 digest.
    public init(parsing text: String) throws(RegistryError) {
        var body = Substring(text)
        if body.hasPrefix("sha256:") { body = body.dropFirst(7) }
        guard body.utf8.count == 64, body.utf8.allSatisfy(Digest.isHexDigit) else {
            throw .invalid(
                "'\(text.prefix(80))' is not a SHA-256 digest. Send 'sha256:' followed by 64 hex digits."
            )
        }
        self.hex = body.lowercased()
    }

    /// Builds a digest from the 32 raw bytes of a SHA-256 hash.
    public init<Bytes: Sequence<UInt8>>(rawBytes bytes: Bytes) {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0F)])
        }
        precondition(out.count == 64, "a SHA-256 digest has 32 bytes")
        self.hex = String(decoding: out, as: UTF8.self)
    }

    /// `sha256:<hex>`.
    public var description: String { "sha256:" + hex }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }

    /// The digest of `bytes`, computed with the core's portable SHA-256 (for small values such as manifests).
    public static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Digest {
        var hasher = SHA256Hasher()
        hasher.update(Array(bytes))
        return Digest(rawBytes: hasher.finalize())
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Digest(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }
}

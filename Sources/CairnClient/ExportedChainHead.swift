import CairnCore
import CairnWire
import Crypto
import Foundation

/// A chain head exported to be kept outside the registry (`cairn audit head`), optionally signed with Ed25519.
///
/// Kept elsewhere, a head lets a later ``CairnClient/verifyAuditLog(head:)`` detect a log truncated below it or
/// rewritten since, even with every hash recomputed. The signature covers exactly ``signedText``
/// (`cairn-chain-head/1\n<sequence>\n<hash>\n<millis>\n`, see `ChainHead.signedText`); ``signedText`` is stored for
/// readers without this library, but ``verify(publicKey:)`` recomputes it from the fields and never trusts the stored
/// copy.
///
/// JSON (snake_case): `{sequence, hash, time, signed_text, signature?, public_key?}`, with the signature and public key
/// in base64 (the raw 64-byte signature and the raw 32-byte key).
public struct ExportedChainHead: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var hash: String
    public var time: Date
    public var signedText: String
    /// Base64 of the Ed25519 signature over ``signedText``.
    public var signature: String?
    /// Base64 of the signer's raw Ed25519 public key.
    public var publicKey: String?

    /// An unsigned export of `head`.
    public init(_ head: ChainHeadDTO) {
        sequence = head.sequence
        hash = head.hash
        time = head.time
        signedText = Self.signedText(of: head)
    }

    enum CodingKeys: String, CodingKey {
        case sequence, hash, time, signedText, signature, publicKey
    }

    /// Decodes an exported head (the time as an ISO 8601 timestamp).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int64.self, forKey: .sequence)
        hash = try container.decode(String.self, forKey: .hash)
        time = try container.decode(Date.self, forKey: .time)
        signedText = try container.decode(String.self, forKey: .signedText)
        signature = try container.decodeIfPresent(String.self, forKey: .signature)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey)
    }

    /// Encodes the head with its time to the exact millisecond the signature covers (a plain `Date` encoding may
    /// come out a millisecond early, which would break the signature once the file is read back).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(hash, forKey: .hash)
        try container.encode(WireJSON.formatTimestamp(time), forKey: .time)
        try container.encode(signedText, forKey: .signedText)
        try container.encodeIfPresent(signature, forKey: .signature)
        try container.encodeIfPresent(publicKey, forKey: .publicKey)
    }

    /// The head as the API spells it.
    public var head: ChainHeadDTO { ChainHeadDTO(sequence: sequence, hash: hash, time: time) }

    /// The exact text a signature covers, computed from the fields.
    public static func signedText(of head: ChainHeadDTO) -> String {
        ChainHead(sequence: head.sequence, hash: head.hash, time: head.time).signedText
    }

    /// Signs the head with `key`, embedding the signature and the matching public key.
    public mutating func sign(with key: Curve25519.Signing.PrivateKey) throws {
        signedText = Self.signedText(of: head)
        signature = try key.signature(for: Data(signedText.utf8)).base64EncodedString()
        publicKey = key.publicKey.rawRepresentation.base64EncodedString()
    }

    /// The outcome of checking a signature.
    public enum SignatureCheck: Sendable, Hashable {
        /// The signature is valid for the head's fields under the key.
        case valid
        /// The head carries no signature.
        case unsigned
        /// The signature does not verify: the head, its signature or the key is not what was signed.
        case invalid(String)
    }

    /// Checks the signature against `publicKey` (the signer's key, obtained independently), else against the key
    /// embedded in the head — which proves the head was not altered after signing, but not who signed it.
    public func verify(publicKey trusted: Curve25519.Signing.PublicKey? = nil) -> SignatureCheck {
        guard let signature else { return .unsigned }
        guard let signatureBytes = Data(base64Encoded: signature), signatureBytes.count == 64 else {
            return .invalid("the signature is not base64 of 64 bytes")
        }
        let key: Curve25519.Signing.PublicKey
        if let trusted {
            key = trusted
        } else {
            guard let embedded = publicKey else { return .invalid("the head names no public key; pass one") }
            do {
                key = try SigningKeyFile.publicKey(fromBase64: embedded)
            } catch {
                return .invalid("the embedded public key is unreadable: \(error.message)")
            }
        }
        let expected = Self.signedText(of: head)
        guard key.isValidSignature(signatureBytes, for: Data(expected.utf8)) else {
            return .invalid("the signature does not match sequence \(sequence), hash \(hash) and time under this key")
        }
        return signedText == expected
            ? .valid : .invalid("the stored signed_text differs from the text computed from the head's fields")
    }
}

/// Ed25519 key files for signing chain heads: base64 of the raw 32-byte key, one line.
public enum SigningKeyFile {
    /// Reads a private key file.
    /// - Throws: ``CairnClientError`` (``CairnClientError/localIO``) when unreadable or not a key.
    public static func privateKey(at url: URL) throws -> Curve25519.Signing.PrivateKey {
        // A signing key others can read signs nothing they could not forge.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int,
            mode & 0o077 != 0
        {
            throw CairnClientError.local(
                "'\(url.path)' can be read by other users (mode \(String(mode, radix: 8))); run `chmod 600 \(url.path)` "
                    + "or make a new key with `cairn audit keygen`."
            )
        }
        let bytes = try base64Contents(of: url, what: "private key")
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        } catch {
            throw CairnClientError.local("'\(url.path)' is not an Ed25519 private key (base64 of 32 bytes).")
        }
    }

    /// Reads a public key file.
    /// - Throws: ``CairnClientError`` (``CairnClientError/localIO``) when unreadable or not a key.
    public static func publicKey(at url: URL) throws -> Curve25519.Signing.PublicKey {
        let bytes = try base64Contents(of: url, what: "public key")
        do {
            return try Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        } catch {
            throw CairnClientError.local("'\(url.path)' is not an Ed25519 public key (base64 of 32 bytes).")
        }
    }

    /// Parses a base64 raw public key.
    static func publicKey(fromBase64 text: String) throws(CairnClientError) -> Curve25519.Signing.PublicKey {
        guard let bytes = Data(base64Encoded: text), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else { throw CairnClientError.badResponse("not base64 of a 32-byte Ed25519 key") }
        return key
    }

    /// The file's text as base64, decoded.
    private static func base64Contents(of url: URL, what: String) throws -> Data {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CairnClientError.local("Cannot read the \(what) '\(url.path)': \(error)", underlying: error)
        }
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CairnClientError.local("'\(url.path)' is not a base64 \(what).")
        }
        return bytes
    }
}

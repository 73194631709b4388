import CairnCore
import Crypto
import Foundation

/// Seals secrets the server must use again (webhook signing keys) with AES-256-GCM under a key the server holds
/// (`cairn serve` keeps it in `DATA/secret.key`, or takes it from `CAIRN_SECRET_KEY`; every replica needs the same).
///
/// A sealed secret is a format byte (1), the 12-byte nonce, the ciphertext and the 16-byte tag; a random nonce per
/// seal, so sealing one secret twice gives different bytes. Opening checks the tag: a secret sealed under another key,
/// or altered in the database, is refused, never returned garbled.
public struct AESGCMSecretSealer: SecretSealer {
    private let key: SymmetricKey
    static let format: UInt8 = 1

    /// - Throws: `.invalidArgument` unless `key` is 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count == 32 else {
            throw RegistryError(
                .invalidArgument,
                "A secret key is 32 bytes (44 characters of base64); got \(key.count)."
            )
        }
        self.key = SymmetricKey(data: key)
    }

    /// A sealer under a fresh random key (tests, and a data directory's first start).
    public static func randomKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public func seal(_ secret: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key)
        guard let combined = box.combined else {
            throw RegistryError(.internalError, "AES-GCM produced no combined box.")
        }
        return [Self.format] + Array(combined)
    }

    public func open(_ sealed: [UInt8]) throws -> String {
        guard sealed.first == Self.format, sealed.count > 1 + 12 + 16 else {
            throw RegistryError(.internalError, "A sealed secret has an unknown format; the database may be damaged.")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed.dropFirst()))
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw RegistryError(
                .failedPrecondition,
                "A webhook secret cannot be opened with this server's key (DATA/secret.key or CAIRN_SECRET_KEY): every "
                    + "replica must use the key the secret was sealed with.",
                underlying: error
            )
        }
    }
}

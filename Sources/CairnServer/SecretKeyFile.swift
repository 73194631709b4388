import CairnCore
import CairnCredentials
import Foundation

/// The key webhook secrets are sealed with: `CAIRN_SECRET_KEY` (base64 of 32 bytes; what several replicas must
/// share), else `DATA/secret.key`, made on first start with mode `0600` from the system's random source.
///
/// Losing the key loses the webhooks' secrets, not the webhooks: rotate each (`cairn webhooks update NAME
/// --rotate-secret`) and give the receivers the new one. Back it up with the data directory.
enum SecretKeyFile {
    static let name = "secret.key"

    static func sealer(data: URL, environment: [String: String]) throws -> AESGCMSecretSealer {
        if let text = environment["CAIRN_SECRET_KEY"] {
            guard let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32
            else {
                throw RegistryError(
                    .invalidArgument,
                    "CAIRN_SECRET_KEY must be base64 of 32 bytes; make one with `head -c 32 /dev/urandom | base64`."
                )
            }
            return try AESGCMSecretSealer(key: Array(key))
        }
        let url = data.appendingPathComponent(name)
        if let stored = try? Data(contentsOf: url) {
            guard
                let key = Data(
                    base64Encoded: String(decoding: stored, as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                ), key.count == 32
            else {
                throw RegistryError(
                    .failedPrecondition,
                    "\(url.path) is not base64 of 32 bytes. Restore it from a backup, or move it away to make a new "
                        + "one (then rotate every webhook's secret)."
                )
            }
            return try AESGCMSecretSealer(key: Array(key))
        }
        let key = AESGCMSecretSealer.randomKey()
        let created = FileManager.default.createFile(
            atPath: url.path,
            contents: Data((Data(key).base64EncodedString() + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard created else {
            throw RegistryError(.failedPrecondition, "Cannot write the secret key \(url.path); check the directory.")
        }
        return try AESGCMSecretSealer(key: key)
    }
}

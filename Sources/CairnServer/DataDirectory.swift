import CairnCore
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data directory's protection at rest: it holds password hashes, token digests, the audit chain and every
/// artifact, so it is the owner's alone, as PostgreSQL insists for its own data directory.
///
/// - A missing directory is created `0700` (its missing parents too).
/// - A directory that another user owns, or that group or others may write, is refused: the server does not start,
///   and the message says how to fix it (anyone who can write there can replace the database or the blobs).
/// - A directory that group or others may read or enter is tightened to `0700`, and so are the files and
///   directories directly in it (`0600` / `0700`), with a notice in the log.
///
/// Files Cairn creates later get owner-only modes explicitly; `cairn serve` also sets its umask to `077`.
enum DataDirectory {
    /// Prepares `url` for a server.
    /// - Throws: `.failedPrecondition` naming the directory and the `chmod`/`chown` that would fix it.
    static func prepare(_ url: URL, logger: Logger) throws {
        let path = url.path
        let files = FileManager.default
        guard let attributes = try? files.attributesOfItem(atPath: path) else {
            do {
                try files.createDirectory(
                    at: url,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
                try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
            } catch {
                throw RegistryError(
                    .failedPrecondition,
                    "Cannot create the data directory \(path): \(error.localizedDescription)",
                    underlying: error
                )
            }
            return
        }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw RegistryError(.failedPrecondition, "The data path \(path) is not a directory; pass another --data.")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        guard owner == geteuid() else {
            throw RegistryError(
                .failedPrecondition,
                "The data directory \(path) belongs to user id \(owner.map(String.init) ?? "?"), not to this user "
                    + "(\(geteuid())). Run the server as its owner, or `chown` it."
            )
        }
        guard mode & 0o022 == 0 else {
            throw RegistryError(
                .failedPrecondition,
                "The data directory \(path) can be written by other users (mode \(String(mode, radix: 8))): they "
                    + "could replace the database or the blobs. Run `chmod 700 \(path)` and start again."
            )
        }
        guard mode & 0o077 != 0 else { return }
        try? files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        for name in (try? files.contentsOfDirectory(atPath: path)) ?? [] {
            let child = url.appendingPathComponent(name).path
            guard let childAttributes = try? files.attributesOfItem(atPath: child),
                let childMode = (childAttributes[.posixPermissions] as? NSNumber)?.intValue
            else { continue }
            switch childAttributes[.type] as? FileAttributeType {
            case .typeDirectory?: try? files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: child)
            case .typeRegular?:
                let tightened = childMode & 0o700 == 0 ? 0o600 : childMode & 0o700
                try? files.setAttributes([.posixPermissions: tightened], ofItemAtPath: child)
            default: continue
            }
        }
        logger.notice(
            "data directory was readable by other users; it and its entries are now owner-only",
            metadata: ["path": "\(path)", "was": "\(String(mode, radix: 8))"]
        )
    }
}

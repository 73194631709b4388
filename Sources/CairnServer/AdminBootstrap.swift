import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The first start's admin: created by the core (``IdentityService/bootstrapAdmin(name:)``), its token written to a
/// file only the server's user can read.
public enum AdminBootstrap {
    /// The token file's name under the data directory.
    public static let fileName = "admin-token"

    /// The token written before the admin's commit, renamed to ``fileName`` once the commit is done.
    public static let pendingName = ".admin-token.pending"

    /// Creates the first admin when no account holds a global admin grant, writes its token to
    /// `<data>/admin-token` (mode 0600 from the moment it exists) and reports one line saying where — never the
    /// secret. Returns the file's URL, or `nil` when an admin already existed (nothing is created or reported).
    ///
    /// Crash-safe in this order: the token is written and synced to `.admin-token.pending` *inside* the
    /// transaction that creates the account (so the account never commits without its token on disk), the
    /// transaction commits, then the file is renamed into place. A start that finds a pending file while an admin
    /// exists finishes that rename: a kill -9 between the commit and the rename still leaves a usable admin token.
    /// - Throws: the core's errors; `.internalError` when the file cannot be written (nothing is committed then).
    @discardableResult
    public static func run(service: RegistryService, dataURL: URL, report: (String) -> Void) async throws -> URL? {
        let file = dataURL.appendingPathComponent(fileName)
        let pending = dataURL.appendingPathComponent(pendingName)
        let created = try await service.identity.bootstrapAdmin { new in
            try writeOwnerOnly(Array((new.secret + "\n").utf8), to: pending)
        }
        guard created != nil || FileManager.default.fileExists(atPath: pending.path) else { return nil }
        if created == nil, FileManager.default.fileExists(atPath: file.path) {
            // An admin token was already in place: the pending file is a leftover of an earlier, finished start.
            unlink(pending.path)
            return nil
        }
        guard rename(pending.path, file.path) == 0 else { throw failure("move \(pending.path) to \(file.path)") }
        try syncDirectory(dataURL)
        report(
            "\(created == nil ? "finished creating" : "created") the first admin account 'admin'; its API token is in "
                + "\(file.path) (readable only by this user). Use it as 'Authorization: Bearer <token>', then create "
                + "personal accounts and tokens."
        )
        return file
    }

    static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open \(url.path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("sync \(url.path)") }
    }

    /// Writes `bytes` to `url` through a fresh 0600 temporary file in the same directory, then renames it over `url`
    /// and syncs the directory.
    static func writeOwnerOnly(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt64.random(in: 0 ... .max))").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create \(temporary)") }
        var ok = fchmod(fd, 0o600) == 0
        var offset = 0
        while ok, offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { ok = false } else { offset += written }
        }
        ok = ok && fsync(fd) == 0
        let closed = close(fd) == 0
        guard ok, closed, rename(temporary, url.path) == 0 else {
            let error = failure("write \(url.path)")
            unlink(temporary)
            throw error
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    private static func failure(_ what: String) -> RegistryError {
        RegistryError(.internalError, "Cannot \(what): \(String(cString: strerror(errno))).")
    }
}

import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The first start's admin: created by the core (``RegistryService/bootstrapAdmin(name:)``), its token written to a
/// file only the server's user can read.
public enum AdminBootstrap {
    /// The token file's name under the data directory.
    public static let fileName = "admin-token"

    /// Creates the first admin when no account holds a global admin grant, writes its token to
    /// `<data>/admin-token` (mode 0600 from the moment it exists: created exclusively under a temporary name with
    /// that mode, written, synced, then renamed into place) and reports one line saying where — never the secret.
    /// Returns the file's URL, or `nil` when an admin already existed (nothing is written or reported).
    /// - Throws: the core's errors; `.internalError` when the file cannot be written (the line then says the token
    ///   is lost and how to recover).
    @discardableResult
    public static func run(service: RegistryService, dataURL: URL, report: (String) -> Void) async throws -> URL? {
        guard let new = try await service.bootstrapAdmin() else { return nil }
        let file = dataURL.appendingPathComponent(fileName)
        do {
            try writeOwnerOnly(Array((new.secret + "\n").utf8), to: file)
        } catch {
            report(
                "created the first admin account 'admin', but could not write its token to \(file.path) "
                    + "(\(error)); revoke token \(new.token.id) and create another from a database shell"
            )
            throw error
        }
        report(
            "created the first admin account 'admin'; its API token is in \(file.path) (readable only by this "
                + "user). Use it as 'Authorization: Bearer <token>', then create personal accounts and tokens."
        )
        return file
    }

    /// Writes `bytes` to `url` through a fresh 0600 temporary file in the same directory, then renames it over `url`.
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
    }

    private static func failure(_ what: String) -> RegistryError {
        RegistryError(.internalError, "Cannot \(what): \(String(cString: strerror(errno))).")
    }
}

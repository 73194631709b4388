import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock(2)` on `<data>/cairn.lock`: one server per data directory.
///
/// The local blob store cleans its upload area at start-up; a second server on the same directory would destroy the
/// first one's uploads in flight. The kernel releases the lock when the process dies, even on SIGKILL.
final class DataDirectoryLock: Sendable {
    let fd: Int32

    init(directory: URL) throws {
        let path = directory.appendingPathComponent("cairn.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RegistryError(.failedPrecondition, "Cannot open \(path): \(String(cString: strerror(errno))).")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw RegistryError(
                .failedPrecondition,
                "Another `cairn serve` is already using \(directory.path). Stop it, or pass a different --data."
            )
        }
        self.fd = fd
    }

    deinit { close(fd) }
}

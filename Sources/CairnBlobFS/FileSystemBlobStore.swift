import CairnCore
import Foundation
import NIOPosix
import Synchronization

import struct Crypto.SHA256

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A content-addressed blob store on a local directory.
///
/// Layout under the root (every name below is chosen by the store; nothing comes from a request):
///
///     <root>/
///     ├── blobs/sha256/
///     │   └── ab/
///     │       └── ab12…ef          one read-only file per digest (64 hex digits), first two digits as fan-out
///     └── uploads/
///         ├── <random id>          an upload in progress: hashed while written, then fsynced and renamed into
///         │                        blobs/ (or dropped when the digest is already stored)
///         └── mpu-<id>/            a multipart session (FileSystemBlobStore+Multipart.swift)
///
/// A blob appears under `blobs/` only by an atomic `rename(2)` of a complete, verified and fsynced file, followed by an
/// fsync of its directory: a crash at any point leaves either no blob or a whole one, never a partial file. Anything
/// left in `uploads/` after a crash is removed by ``removeAbandonedUploads(olderThanSeconds:)`` at start-up.
public struct FileSystemBlobStore: BlobStore {
    public let root: URL
    let blobsDirectory: String
    let uploadsDirectory: String
    /// Bytes per read when streaming a blob out.
    let readChunkSize: Int

    /// Opens (creating when missing) a store rooted at `root`.
    /// - Throws: `.internalError` when the directories cannot be created.
    public init(root: URL, readChunkSize: Int = 256 * 1024) throws {
        self.root = root.standardizedFileURL
        self.blobsDirectory = self.root.appendingPathComponent("blobs/sha256").path
        self.uploadsDirectory = self.root.appendingPathComponent("uploads").path
        self.readChunkSize = readChunkSize
        for directory in [blobsDirectory, uploadsDirectory] {
            do {
                // Owner only (0700), as the data directory: blobs are the registry's data at rest.
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw RegistryError(
                    .internalError,
                    "Cannot create the blob directory \(directory). Check the --data path and its permissions.",
                    underlying: error
                )
            }
        }
    }

    /// Where the blob with `digest` lives. Derived from the digest only.
    func path(of digest: Digest) -> String {
        "\(blobsDirectory)/\(digest.hex.prefix(2))/\(digest.hex)"
    }

    public func beginUpload() async throws -> any BlobUpload {
        try openUpload(committingTo: nil)
    }

    /// A new upload file in `uploads/`, committed into the store, or to `part` (a path in a multipart session).
    func openUpload(committingTo part: String?) throws -> FileSystemBlobUpload {
        let path = "\(uploadsDirectory)/\(UUID().uuidString.lowercased())"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.ioError("create upload file", path: path) }
        return FileSystemBlobUpload(fd: fd, uploadPath: path, store: self, partPath: part)
    }

    public func size(of digest: Digest) async throws -> Int64? {
        var info = stat()
        guard stat(path(of: digest), &info) == 0 else {
            if errno == ENOENT { return nil }
            throw Self.ioError("stat blob", path: path(of: digest))
        }
        return Int64(info.st_size)
    }

    public func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream {
        let path = path(of: digest)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw RegistryError(.notFound, "The blob \(digest) is not stored.") }
            throw Self.ioError("open blob", path: path)
        }
        let reader = FileReader(fd: fd)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.ioError("stat blob", path: path) }
        let size = Int64(info.st_size)
        let start = max(0, min(range?.lowerBound ?? 0, size))
        let end = max(start, min(range?.upperBound ?? size, size))
        let chunk = readChunkSize
        return BlobByteStream(count: end - start) {
            let cursor = Mutex(start)
            return {
                try cursor.withLock { offset -> [UInt8]? in
                    guard offset < end else { return nil }
                    let bytes = try reader.read(at: offset, count: Int(min(Int64(chunk), end - offset)))
                    guard !bytes.isEmpty else {
                        throw RegistryError(.internalError, "The blob \(digest) is shorter than recorded.")
                    }
                    offset += Int64(bytes.count)
                    return bytes
                }
            }
        }
    }

    public func delete(_ digest: Digest) async throws {
        if unlink(path(of: digest)) != 0, errno != ENOENT {
            throw Self.ioError("delete blob", path: path(of: digest))
        }
    }

    public func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory)) ?? []
        let cutoff = Date().timeIntervalSince1970 - seconds
        var removed = 0
        for name in names {
            let path = "\(uploadsDirectory)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if seconds > 0, Double(info.st_mtim.tv_sec) > cutoff { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                // A multipart session: its directory's time is that of its last part.
                guard name.hasPrefix(Self.multipartPrefix) else { continue }
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
            } else if unlink(path) == 0 {
                removed += 1
            }
        }
        return removed
    }

    static func ioError(_ what: String, path: String) -> RegistryError {
        let code = errno
        let reason = String(cString: strerror(code))
        if code == ENOSPC {
            return RegistryError(.unavailable, "The blob store is out of disk space (\(what)). Free space and retry.")
        }
        return RegistryError(.internalError, "Blob store failed to \(what) at \(path): \(reason)")
    }
}

/// Owns a read-only descriptor; closes it when the last stream iterator lets go.
final class FileReader: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw RegistryError(.internalError, "Reading a blob failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
    }
}

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
/// left in `uploads/` after a crash is removed by ``removeAbandonedUploads(olderThanSeconds:)`` once idle. A blob's
/// write time is its file's modification time: set when it is stored, renewed when the same bytes are stored again,
/// and checked by ``delete(_:ifUnwrittenSince:)``. Every read, write and sync runs on NIO's blocking-I/O pool.
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

    public func beginUpload(expecting expected: BlobExpectation) async throws -> any BlobUpload {
        try await openUpload(committingTo: nil, expecting: expected)
    }

    /// A new upload file in `uploads/`, committed into the store, or to `part` (a path in a multipart session).
    func openUpload(committingTo part: String?, expecting expected: BlobExpectation) async throws
        -> FileSystemBlobUpload
    {
        let path = "\(uploadsDirectory)/\(UUID().uuidString.lowercased())"
        let fd = try await NIOThreadPool.singleton.runIfActive {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Self.ioError("create upload file", path: path) }
            return fd
        }
        return FileSystemBlobUpload(fd: fd, uploadPath: path, store: self, expected: expected, partPath: part)
    }

    public func size(of digest: Digest) async throws -> Int64? {
        let path = path(of: digest)
        return try await NIOThreadPool.singleton.runIfActive {
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT { return nil }
                throw Self.ioError("stat blob", path: path)
            }
            return Int64(info.st_size)
        }
    }

    public func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream {
        let path = path(of: digest)
        let (reader, size) = try await NIOThreadPool.singleton.runIfActive { () throws -> (FileReader, Int64) in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                if errno == ENOENT { throw RegistryError(.notFound, "The blob \(digest) is not stored.") }
                throw Self.ioError("open blob", path: path)
            }
            let reader = FileReader(fd: fd)
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw Self.ioError("stat blob", path: path) }
            return (reader, Int64(info.st_size))
        }
        let start = max(0, min(range?.lowerBound ?? 0, size))
        let end = max(start, min(range?.upperBound ?? size, size))
        let chunk = readChunkSize
        return BlobByteStream(count: end - start) {
            // One iterator, one consumer: the offset advances after each read completes.
            let cursor = Mutex(start)
            return {
                let offset = cursor.withLock { $0 }
                guard offset < end else { return nil }
                let count = Int(min(Int64(chunk), end - offset))
                let bytes = try await NIOThreadPool.singleton.runIfActive { try reader.read(at: offset, count: count) }
                guard !bytes.isEmpty else {
                    throw RegistryError(.internalError, "The blob \(digest) is shorter than recorded.")
                }
                cursor.withLock { $0 = offset + Int64(bytes.count) }
                return bytes
            }
        }
    }

    public func delete(_ digest: Digest, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        let path = path(of: digest)
        // Moved aside first (an atomic rename within the store's file system): from then on a concurrent upload of
        // the same bytes finds no blob to renew and stores its own. The write time is judged on the file moved
        // aside, so a renewal that landed before the move keeps the blob (it is moved back).
        let aside = "\(uploadsDirectory)/gc-\(UUID().uuidString.lowercased())"
        return try await NIOThreadPool.singleton.runIfActive {
            guard rename(path, aside) == 0 else {
                if errno == ENOENT { return false }
                throw Self.ioError("move blob aside", path: path)
            }
            var info = stat()
            let written = stat(aside, &info) == 0 ? Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9 : 0
            if written > cutoff.timeIntervalSince1970 {
                // Renewed after the cutoff: back in place, unless an upload stored the blob again meanwhile.
                if link(aside, path) != 0, errno != EEXIST { throw Self.ioError("restore blob", path: path) }
                unlink(aside)
                return false
            }
            unlink(aside)
            return true
        }
    }

    public func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        let uploads = uploadsDirectory
        return try await NIOThreadPool.singleton.runIfActive {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []
            let cutoff = Date().timeIntervalSince1970 - seconds
            var removed = 0
            for name in names {
                let path = "\(uploads)/\(name)"
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                // Idle time: a file's (or a session directory's) modification time moves with every write into it.
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

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

/// An upload session of ``FileSystemBlobStore``: a file in `uploads/`, hashed while written. Committed into the store
/// under its digest, or, for a part of a multipart session, to that part's place in the session's directory.
///
/// Writes are hashed on the caller's task and gathered into a buffer of up to ``flushSize`` bytes, which is written to
/// the file on NIO's blocking-I/O pool: the cooperative pool never waits on the disk, and memory stays bounded
/// whatever the upload's size.
final class FileSystemBlobUpload: BlobUpload {
    private struct State {
        var fd: Int32
        var hasher = SHA256()
        /// Bytes accepted (hashed), buffered or on disk.
        var written: Int64 = 0
        var pending: [UInt8] = []
        var closed = false
    }

    /// Bytes gathered before one write to the file.
    static let flushSize = 1 << 20

    private let state: Mutex<State>
    let uploadPath: String
    let store: FileSystemBlobStore
    let expected: BlobExpectation
    /// Where a multipart part goes at commit (`uploads/mpu-<id>/part-<n>`); `nil` for a blob.
    let partPath: String?

    init(fd: Int32, uploadPath: String, store: FileSystemBlobStore, expected: BlobExpectation, partPath: String? = nil)
    {
        self.state = Mutex(State(fd: fd))
        self.uploadPath = uploadPath
        self.store = store
        self.expected = expected
        self.partPath = partPath
    }

    deinit {
        // A session dropped without commit or cancel must not leave a descriptor or a file behind.
        let leftover = state.withLock { $0.closed ? nil : $0.fd }
        if let leftover {
            close(leftover)
            unlink(uploadPath)
        }
    }

    var bytesWritten: Int64 { state.withLock { $0.written } }

    static let closedError = RegistryError(.failedPrecondition, "This upload session is already closed.")

    func write(_ chunk: [UInt8]) async throws {
        let flush: (fd: Int32, bytes: [UInt8])? = try state.withLock { state in
            guard !state.closed else { throw Self.closedError }
            if let limit = expected.maxBytes, state.written + Int64(chunk.count) > limit {
                throw RegistryError(
                    .payloadTooLarge,
                    "The body is longer than the \(limit) bytes "
                        + (expected.size == limit ? "announced" : "allowed") + "; it was refused at byte "
                        + "\(state.written + Int64(chunk.count)). Send at most \(limit) bytes (announce the real size)."
                )
            }
            state.hasher.update(data: chunk)
            state.written += Int64(chunk.count)
            state.pending += chunk
            guard state.pending.count >= Self.flushSize else { return nil }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return (state.fd, state.pending)
        }
        if let flush { try await Self.writeAll(flush.bytes, to: flush.fd, path: uploadPath) }
    }

    /// Writes what is still buffered.
    private func flushPending() async throws {
        let flush: (fd: Int32, bytes: [UInt8])? = try state.withLock { state in
            guard !state.closed else { throw Self.closedError }
            guard !state.pending.isEmpty else { return nil }
            defer { state.pending = [] }
            return (state.fd, state.pending)
        }
        if let flush { try await Self.writeAll(flush.bytes, to: flush.fd, path: uploadPath) }
    }

    /// `write(2)` of all of `bytes`, on the blocking-I/O pool.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw FileSystemBlobStore.ioError("write upload", path: path)
                    }
                    offset += n
                }
            }
        }
    }

    func commit() async throws -> BlobInfo {
        do {
            try await flushPending()
        } catch {
            await cancel()
            throw error
        }
        let (fd, digest, size) = try state.withLock { state -> (Int32, Digest, Int64) in
            guard !state.closed else { throw Self.closedError }
            return (state.fd, Digest(rawBytes: state.hasher.finalize()), state.written)
        }
        if let expectedSize = expected.size, expectedSize != size {
            await cancel()
            throw RegistryError(
                .digestMismatch,
                "Received \(size) bytes but \(expectedSize) were announced. The upload was discarded; send it again."
            )
        }
        if let expectedDigest = expected.digest, expectedDigest != digest {
            await cancel()
            throw RegistryError(
                .digestMismatch,
                "The content's digest is \(digest), not the expected \(expectedDigest). The upload was discarded; "
                    + "check the file and send it again."
            )
        }
        if let partPath {
            return try await commitPart(fd: fd, to: partPath, info: BlobInfo(digest: digest, size: size))
        }
        let destination = store.path(of: digest)
        // Already stored: identical bytes are kept once — but only once the stored file is proven to hold them (a
        // same-sized file with other bytes, damaged on disk, is replaced by this upload instead of trusted) — and
        // renewed, so garbage collection keeps it for its grace period. A blob collected meanwhile cannot be renewed;
        // this upload then stores it afresh.
        if try await store.size(of: digest) == size, try await Self.digest(ofFileAt: destination) == digest,
            try await Self.renew(destination)
        {
            await cancel()
            return BlobInfo(digest: digest, size: size)
        }
        // Durability before visibility: the data reaches the disk before the rename publishes it.
        try await NIOThreadPool.singleton.runIfActive {
            guard fsync(fd) == 0 else { throw FileSystemBlobStore.ioError("fsync upload", path: self.uploadPath) }
        }
        let shard = (destination as NSString).deletingLastPathComponent
        if mkdir(shard, 0o700) == 0 {
            // A new shard directory exists on disk only once its parent's entry for it does.
            do {
                try await Self.fsyncDirectory((shard as NSString).deletingLastPathComponent)
            } catch {
                await cancel()
                throw error
            }
        } else if errno != EEXIST {
            await cancel()
            throw FileSystemBlobStore.ioError("create blob directory", path: shard)
        }
        // Sealed content: read-only, and for the owner alone.
        fchmod(fd, 0o400)
        guard rename(uploadPath, destination) == 0 else {
            let error = FileSystemBlobStore.ioError("move upload into place", path: destination)
            await cancel()
            throw error
        }
        state.withLock { state in
            close(state.fd)
            state.closed = true
        }
        // The rename is durable only once the directory is: a failure here fails the upload (the caller commits
        // no row naming the blob; the file itself is content-addressed and harmless).
        try await Self.fsyncDirectory(shard)
        return BlobInfo(digest: digest, size: size)
    }

    /// Makes a part durable and renames it over `destination` (a retried part replaces the earlier one).
    /// - Throws: `.notFound` when the session's directory is gone (completed, aborted or expired meanwhile).
    private func commitPart(fd: Int32, to destination: String, info: BlobInfo) async throws -> BlobInfo {
        do {
            try await NIOThreadPool.singleton.runIfActive {
                guard fsync(fd) == 0 else { throw FileSystemBlobStore.ioError("fsync upload", path: self.uploadPath) }
            }
        } catch {
            await cancel()
            throw error
        }
        guard rename(uploadPath, destination) == 0 else {
            let error =
                errno == ENOENT
                ? RegistryError(.notFound, FileSystemBlobStore.missingSession)
                : FileSystemBlobStore.ioError("move part into place", path: destination)
            await cancel()
            throw error
        }
        state.withLock { state in
            close(state.fd)
            state.closed = true
        }
        try await Self.fsyncDirectory((destination as NSString).deletingLastPathComponent)
        return info
    }

    /// Sets a stored blob's write time to now; `false` when it is gone (collected meanwhile).
    static func renew(_ path: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            if utimensat(AT_FDCWD, path, nil, 0) == 0 { return true }
            if errno == ENOENT { return false }
            throw FileSystemBlobStore.ioError("renew blob", path: path)
        }
    }

    /// `fsync(2)` of a directory, off the cooperative pool.
    /// - Throws: `.internalError` naming the directory when it cannot be opened or synced.
    static func fsyncDirectory(_ path: String) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            let dirFD = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dirFD >= 0 else { throw FileSystemBlobStore.ioError("open blob directory", path: path) }
            defer { close(dirFD) }
            guard fsync(dirFD) == 0 else { throw FileSystemBlobStore.ioError("fsync blob directory", path: path) }
        }
    }

    /// The SHA-256 of the file at `path`, read in chunks off the cooperative pool; `nil` when it cannot be read.
    static func digest(ofFileAt path: String) async throws -> Digest? {
        try await NIOThreadPool.singleton.runIfActive {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var hasher = SHA256()
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return nil
                }
                if n == 0 { break }
                buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            }
            return Digest(rawBytes: hasher.finalize())
        }
    }

    func cancel() async {
        let fd = state.withLock { state -> Int32? in
            guard !state.closed else { return nil }
            state.closed = true
            return state.fd
        }
        guard let fd else { return }
        close(fd)
        unlink(uploadPath)
    }
}

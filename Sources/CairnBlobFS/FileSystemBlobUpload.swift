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

/// An upload session of ``FileSystemBlobStore``: a file in `uploads/`, hashed while written.
final class FileSystemBlobUpload: BlobUpload {
    private struct State {
        var fd: Int32
        var hasher = SHA256()
        var written: Int64 = 0
        var closed = false
    }

    private let state: Mutex<State>
    let uploadPath: String
    let store: FileSystemBlobStore

    init(fd: Int32, uploadPath: String, store: FileSystemBlobStore) {
        self.state = Mutex(State(fd: fd))
        self.uploadPath = uploadPath
        self.store = store
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

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            guard !state.closed else {
                throw RegistryError(.failedPrecondition, "This upload session is already closed.")
            }
            state.hasher.update(bufferPointer: bytes)
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(state.fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemBlobStore.ioError("write upload", path: uploadPath)
                }
                offset += n
            }
            state.written += Int64(bytes.count)
        }
    }

    func commit(expectedDigest: Digest?, expectedSize: Int64?) async throws -> BlobInfo {
        let (fd, digest, size) = try state.withLock { state -> (Int32, Digest, Int64) in
            guard !state.closed else {
                throw RegistryError(.failedPrecondition, "This upload session is already closed.")
            }
            return (state.fd, Digest(rawBytes: state.hasher.finalize()), state.written)
        }
        if let expectedSize, expectedSize != size {
            await cancel()
            throw RegistryError(
                .digestMismatch,
                "Received \(size) bytes but \(expectedSize) were announced. The upload was discarded; send it again."
            )
        }
        if let expectedDigest, expectedDigest != digest {
            await cancel()
            throw RegistryError(
                .digestMismatch,
                "The content's digest is \(digest), not the expected \(expectedDigest). The upload was discarded; "
                    + "check the file and send it again."
            )
        }
        let destination = store.path(of: digest)
        if try await store.size(of: digest) == size {
            await cancel()  // Already stored: identical bytes are kept once.
            return BlobInfo(digest: digest, size: size)
        }
        // Durability before visibility: the data reaches the disk before the rename publishes it.
        try await NIOThreadPool.singleton.runIfActive {
            guard fsync(fd) == 0 else { throw FileSystemBlobStore.ioError("fsync upload", path: self.uploadPath) }
        }
        let shard = (destination as NSString).deletingLastPathComponent
        if mkdir(shard, 0o700) != 0, errno != EEXIST {
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
        try await NIOThreadPool.singleton.runIfActive {
            let dirFD = open(shard, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dirFD >= 0 {
                fsync(dirFD)
                close(dirFD)
            }
        }
        return BlobInfo(digest: digest, size: size)
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

import CairnCore
import Crypto
import Foundation
import NIOCore

/// Reads a file front to back in fixed-size chunks, so memory use does not depend on the file's size.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let fileURL: URL
    /// The number of bytes the file must hold; reading more or fewer is an error (the file changed).
    let expectedSize: Int64
    var chunkSize = 1 << 20
    /// Called with the running byte count after each chunk is read.
    var onChunk: (@Sendable (Int64) -> Void)?

    func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    final class Iterator: AsyncIteratorProtocol {
        private let sequence: FileChunks
        private var handle: FileHandle?
        private var done = false
        private var count: Int64 = 0

        init(sequence: FileChunks) { self.sequence = sequence }

        deinit { try? handle?.close() }

        func next() async throws -> ByteBuffer? {
            guard !done else { return nil }
            if handle == nil {
                do {
                    handle = try FileHandle(forReadingFrom: sequence.fileURL)
                } catch {
                    throw CairnClientError.local("Cannot read '\(sequence.fileURL.path)': \(error)", underlying: error)
                }
            }
            let data: Data
            do {
                data = try handle!.read(upToCount: sequence.chunkSize) ?? Data()
            } catch {
                throw CairnClientError.local("Cannot read '\(sequence.fileURL.path)': \(error)", underlying: error)
            }
            count += Int64(data.count)
            guard count <= sequence.expectedSize else { throw changed() }
            if data.isEmpty {
                done = true
                try? handle?.close()
                handle = nil
                guard count == sequence.expectedSize else { throw changed() }
                return nil
            }
            sequence.onChunk?(count)
            return ByteBuffer(bytes: data)
        }

        private func changed() -> CairnClientError {
            CairnClientError(
                code: CairnClientError.digestMismatch,
                message: "'\(sequence.fileURL.path)' changed while it was being read (expected "
                    + "\(sequence.expectedSize) bytes); upload it again once it is stable."
            )
        }
    }
}

/// Streaming SHA-256 of local files.
public enum FileDigest {
    /// The SHA-256 digest and size of the file at `fileURL`, read in 1 MiB chunks.
    /// - Parameter progress: Called with the number of bytes hashed so far.
    /// - Throws: ``CairnClientError`` with code ``CairnClientError/localIO`` if the file cannot be read.
    public static func sha256(
        of fileURL: URL,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> (digest: CairnCore.Digest, size: Int64) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: fileURL)
        } catch {
            throw CairnClientError.local("Cannot read '\(fileURL.path)': \(error)", underlying: error)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            try Task.checkCancellation()
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw CairnClientError.local("Cannot read '\(fileURL.path)': \(error)", underlying: error)
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
            progress?(size)
        }
        return (CairnCore.Digest(rawBytes: hasher.finalize()), size)
    }
}

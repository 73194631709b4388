import AsyncHTTPClient
import CairnCore
import CairnWire
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CairnClient {
    /// `PUT /api/v1/models/{name}/versions/{n}/files/{path}`: uploads one file of a `PENDING` version.
    ///
    /// The file is read twice, in chunks, never whole: once to compute its SHA-256 (sent as `X-Cairn-Digest`, so the
    /// server refuses bytes that differ from what was on disk), once to stream it with a `Content-Length`.
    /// Re-uploading the same path with the same content is harmless.
    /// - Parameters:
    ///   - path: The manifest path, such as `model/weights.bin` (validated with ``ManifestPath`` before sending).
    ///   - progress: Reports hashing, then bytes sent, then `finished`.
    /// - Throws: ``CairnClientError``: `DIGEST_MISMATCH` if the file changed while uploading, `FAILED_PRECONDITION` if
    ///   the version is sealed, ``CairnClientError/localIO`` if the file cannot be read.
    public func uploadFile(
        model: String,
        version: Int,
        path: String,
        fileURL: URL,
        progress: TransferProgressHandler? = nil
    ) async throws -> FileDTO {
        try await upload(
            model: model,
            version: version,
            path: path,
            fileURL: fileURL,
            position: TransferPosition(index: 0, count: 1, completedBefore: 0, totalBytes: nil),
            progress: progress
        )
    }

    /// `GET /api/v1/models/{name}/versions/{n}/files/{path}`: downloads one file to `fileURL`.
    ///
    /// Bytes stream into a temporary file beside `fileURL` while being hashed; only when the size and SHA-256 match the
    /// manifest entry is the temporary file renamed into place (replacing any existing file). On any failure no file is
    /// left behind.
    /// - Parameter expected: The manifest entry to verify against; fetched from the manifest when `nil`.
    /// - Returns: The manifest entry the file was verified against.
    /// - Throws: ``CairnClientError``: ``CairnClientError/digestMismatch`` if the bytes do not match, `NOT_FOUND`,
    ///   ``CairnClientError/localIO`` if the file cannot be written.
    @discardableResult
    public func downloadFile(
        model: String,
        version: Int,
        path: String,
        to fileURL: URL,
        expected: FileDTO? = nil,
        progress: TransferProgressHandler? = nil
    ) async throws -> FileDTO {
        let entry: FileDTO
        if let expected {
            entry = expected
        } else {
            let manifest = try await manifest(model: model, version: version)
            guard let found = manifest.files.first(where: { $0.path == path }) else {
                throw CairnClientError(
                    status: 404,
                    code: "NOT_FOUND",
                    message: "Version \(version) of model '\(model)' has no file '\(path)'."
                )
            }
            entry = found
        }
        try await download(
            model: model,
            version: version,
            entry: entry,
            to: fileURL,
            position: TransferPosition(index: 0, count: 1, completedBefore: 0, totalBytes: nil),
            progress: progress
        )
        return entry
    }

    // MARK: - Shared implementation

    /// Where one file sits in a multi-file transfer, for progress reports.
    struct TransferPosition: Sendable {
        var index: Int
        var count: Int
        var completedBefore: Int64
        var totalBytes: Int64?
    }

    func upload(
        model: String,
        version: Int,
        path: String,
        fileURL: URL,
        position: TransferPosition,
        progress: TransferProgressHandler?
    ) async throws -> FileDTO {
        do {
            try ManifestPath.validate(path)
        } catch {
            throw CairnClientError.invalid("Cannot upload '\(path)': \(error.message)")
        }
        let report = Reporter(path: path, position: position, handler: progress)
        let (digest, size) = try await FileDigest.sha256(of: fileURL) { report(.hashing, $0, fileSize: nil) }
        report(.transferring, 0, fileSize: size)
        var request = HTTPClientRequest(
            url: url(versionPath(model, version).appending("files").appending(manifestPath: path))
        )
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: WireHeaders.expectedDigest, value: digest.description)
        request.headers.add(name: WireHeaders.expectedSize, value: String(size))
        var chunks = FileChunks(fileURL: fileURL, expectedSize: size)
        chunks.onChunk = { report(.transferring, $0, fileSize: size) }
        request.body = .stream(chunks, length: .known(size))
        let response = try await execute(request, timeout: transferTimeout)
        let path = versionPath(model, version).appending("files").appending(manifestPath: path)
        let body = try await collect(response, method: .PUT, path: path)
        try check(response, body: Array(body.readableBytesView))
        let file: FileDTO
        do {
            file = try WireJSON.decoder().decode(FileDTO.self, from: Data(body.readableBytesView))
        } catch {
            throw CairnClientError.badResponse("The server's answer to an upload is not a file description: \(error)")
        }
        report(.finished, size, fileSize: size)
        return file
    }

    func download(
        model: String,
        version: Int,
        entry: FileDTO,
        to fileURL: URL,
        position: TransferPosition,
        progress: TransferProgressHandler?
    ) async throws {
        let expectedDigest: CairnCore.Digest
        do {
            expectedDigest = try CairnCore.Digest(parsing: entry.digest)
        } catch {
            throw CairnClientError.badResponse(
                "The manifest entry for '\(entry.path)' has a bad digest: \(error.message)"
            )
        }
        let report = Reporter(path: entry.path, position: position, handler: progress)
        let path = versionPath(model, version).appending("files").appending(manifestPath: entry.path)
        var request = HTTPClientRequest(url: url(path))
        request.method = .GET
        let response = try await execute(request, timeout: transferTimeout)
        try await checkStreaming(response)

        let partial = try PartialFile(beside: fileURL)
        var committed = false
        defer { if !committed { partial.discard() } }
        var hasher = SHA256()
        var received: Int64 = 0
        report(.transferring, 0, fileSize: entry.size)
        do {
            for try await buffer in response.body {
                received += Int64(buffer.readableBytes)
                guard received <= entry.size else { break }
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                try partial.write(buffer)
                report(.transferring, received, fileSize: entry.size)
            }
        } catch let error as CairnClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw transportError(error)
        }
        let actual = CairnCore.Digest(rawBytes: hasher.finalize())
        guard received == entry.size, actual == expectedDigest else {
            throw CairnClientError(
                code: CairnClientError.digestMismatch,
                message: "Download of '\(entry.path)' does not match the manifest (expected \(entry.size) bytes "
                    + "with \(expectedDigest), got \(received) bytes"
                    + (received == entry.size ? " with \(actual)" : "") + "); nothing was written. Try again."
            )
        }
        try partial.commit(to: fileURL)
        committed = true
        report(.finished, received, fileSize: entry.size)
    }
}

/// Turns per-file byte counts into ``TransferProgress`` reports.
struct Reporter: Sendable {
    let path: String
    let position: CairnClient.TransferPosition
    let handler: TransferProgressHandler?

    func callAsFunction(_ phase: TransferProgress.Phase, _ bytes: Int64, fileSize: Int64?) {
        guard let handler else { return }
        let size = fileSize ?? -1
        let done = phase == .hashing ? 0 : bytes
        handler(
            TransferProgress(
                phase: phase,
                path: path,
                fileIndex: position.index,
                fileCount: position.count,
                fileBytes: bytes,
                fileSize: size,
                completedBytes: position.completedBefore + done,
                totalBytes: position.totalBytes ?? max(size, 0)
            )
        )
    }
}

/// A temporary file created exclusively beside its destination (never through an existing file or link), renamed
/// into place only when complete.
final class PartialFile: @unchecked Sendable {
    let url: URL
    private let handle: FileHandle

    init(beside destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        let name = ".\(destination.lastPathComponent.prefix(100)).cairn-partial-\(UUID().uuidString.prefix(8))"
        url = directory.appendingPathComponent(name)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CairnClientError.local("Cannot create a file in '\(directory.path)': \(reason)")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ buffer: ByteBuffer) throws {
        do {
            try buffer.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
        } catch {
            throw CairnClientError.local("Cannot write '\(url.path)': \(error)", underlying: error)
        }
    }

    /// Flushes to disk and renames over `destination` (atomically replacing any file there).
    func commit(to destination: URL) throws {
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CairnClientError.local("Cannot write '\(url.path)': \(error)", underlying: error)
        }
        guard rename(url.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CairnClientError.local("Cannot move the download into '\(destination.path)': \(reason)")
        }
    }

    func discard() {
        try? handle.close()
        unlink(url.path)
    }
}

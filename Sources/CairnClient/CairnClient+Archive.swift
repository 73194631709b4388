import AsyncHTTPClient
import CairnCore
import CairnWire
import Foundation
import NIOCore
import NIOHTTP1

extension CairnClient {
    /// `GET …/files/{path}` with an optional `Range`: the bytes of one file (or of `range` within it), in memory.
    ///
    /// Meant for small reads (an `MLmodel` file, a file's header); use
    /// ``downloadFile(model:version:path:to:expected:progress:)`` for whole files of any size.
    /// - Parameters:
    ///   - range: Byte offsets, such as `0..<1024`; `nil` for the whole file.
    ///   - maxBytes: Answers longer than this are refused rather than buffered.
    /// - Throws: ``CairnClientError``: `NOT_FOUND`, `RANGE_NOT_SATISFIABLE`, or ``CairnClientError/invalidResponse``
    ///   when the answer exceeds `maxBytes`.
    public func fileContents(
        model: String,
        version: Int,
        path: String,
        range: Range<Int64>? = nil,
        maxBytes: Int = 16 * 1024 * 1024
    ) async throws -> [UInt8] {
        let target = versionPath(model, version).appending("files").appending(manifestPath: path)
        var request = HTTPClientRequest(url: url(target))
        request.method = .GET
        if let range {
            guard !range.isEmpty, range.lowerBound >= 0 else {
                throw CairnClientError.invalid("The byte range \(range) is empty or negative.")
            }
            request.headers.add(name: "Range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
        }
        let response = try await execute(request, timeout: transferTimeout)
        try await checkStreaming(response)
        do {
            return Array(try await response.body.collect(upTo: maxBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw CairnClientError.badResponse("'\(path)' is larger than \(maxBytes) bytes; download it to a file.")
        } catch {
            throw transportError(error)
        }
    }

    /// `GET /api/v1/models/{name}/versions/{n}/archive`: the whole version as one tar stream, written to `fileURL`.
    ///
    /// Bytes stream into a temporary file beside `fileURL`, renamed into place once complete; on failure no file is
    /// left. The archive has no digest of its own to check: use ``pull(_:into:progress:)`` when every file must be
    /// verified.
    /// - Parameter progress: Reports bytes received (`totalBytes` is the version's total file size, a lower bound
    ///   for the tar stream).
    /// - Returns: The number of bytes written.
    @discardableResult
    public func downloadArchive(
        model: String,
        version: Int,
        to fileURL: URL,
        progress: TransferProgressHandler? = nil
    ) async throws -> Int64 {
        let total = progress == nil ? 0 : try await manifest(model: model, version: version).totalSize
        var request = HTTPClientRequest(url: url(versionPath(model, version).appending("archive")))
        request.method = .GET
        let response = try await execute(request, timeout: transferTimeout)
        try await checkStreaming(response)
        let partial = try PartialFile(beside: fileURL)
        var committed = false
        defer { if !committed { partial.discard() } }
        let name = fileURL.lastPathComponent
        var received: Int64 = 0
        do {
            for try await buffer in response.body {
                try partial.write(buffer)
                received += Int64(buffer.readableBytes)
                progress?(
                    TransferProgress(
                        phase: .transferring,
                        path: name,
                        fileBytes: received,
                        fileSize: -1,
                        completedBytes: received,
                        totalBytes: max(total, received)
                    )
                )
            }
        } catch let error as CairnClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw transportError(error)
        }
        try partial.commit(to: fileURL)
        committed = true
        progress?(
            TransferProgress(
                phase: .finished,
                path: name,
                fileBytes: received,
                fileSize: received,
                completedBytes: received,
                totalBytes: received
            )
        )
        return received
    }
}

import CairnCore
import Hummingbird
import NIOCore
import NIOHTTP1

/// Reads small request bodies (JSON documents) with a hard limit, for every HTTP surface.
///
/// A body declared larger than the limit (`Content-Length`) is refused before a byte is buffered; one that grows past
/// it while streaming (chunked) is refused as soon as it does. Either way at most `limit` bytes are ever held, and
/// the rest of the body is read and discarded, up to ``drainLimit``, before the answer goes out: clients that send
/// the whole body before reading the response (Python's `http.client` with `Connection: close`) then get their
/// answer at once instead of waiting for a server that stopped reading, and the connection stays usable.
/// Malformed framing (a bad chunk size, an unknown transfer coding) is the client's fault: `.invalidArgument`.
public enum RequestBodyReader {
    /// Most bytes of an oversized body read and dropped so that its answer can be delivered (64 MiB).
    public static let drainLimit = 64 << 20

    /// The whole body of `request`, at most `limit` bytes.
    /// - Throws: `.payloadTooLarge` naming the limit; `.invalidArgument` for malformed framing.
    public static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        let tooLarge = RegistryError(
            .payloadTooLarge,
            "The request body is larger than this endpoint's limit of \(limit) bytes (\(limit >> 10) KiB); send less."
        )
        var iterator = request.body.makeAsyncIterator()
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            try await drain(&iterator, budget: drainLimit)
            throw tooLarge
        }
        var buffer = ByteBuffer()
        do {
            while var chunk = try await iterator.next() {
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    try await drain(&iterator, budget: drainLimit)
                    throw tooLarge
                }
                buffer.writeBuffer(&chunk)
            }
        } catch let error as HTTPParserError {
            throw framingError(error)
        }
        return buffer
    }

    /// Reads and drops the body of a request refused before reading it (a wrong content type), up to ``drainLimit``,
    /// so that the refusal reaches clients that send the whole body first.
    public static func discard(_ request: Request) async {
        var iterator = request.body.makeAsyncIterator()
        try? await drain(&iterator, budget: drainLimit)
    }

    /// Reads and drops what is left of a body, at most `budget` bytes; framing errors end it quietly.
    static func drain(_ iterator: inout RequestBody.AsyncIterator, budget: Int) async throws {
        var left = budget
        do {
            while left > 0, let chunk = try await iterator.next() { left -= chunk.readableBytes }
        } catch is HTTPParserError {
            return
        }
    }

    /// The client-facing error of an HTTP framing failure.
    public static func framingError(_ error: HTTPParserError) -> RegistryError {
        RegistryError(
            .invalidArgument,
            "The request is not valid HTTP/1.1 (\(error)): check its Content-Length or Transfer-Encoding framing.",
            underlying: error
        )
    }

    /// `error` as the client's fault when it is a framing failure raised while a handler read the body; else `nil`.
    public static func clientFault(_ error: any Error) -> RegistryError? {
        (error as? HTTPParserError).map(framingError)
    }
}

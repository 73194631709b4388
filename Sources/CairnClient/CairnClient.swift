import AsyncHTTPClient
import CairnWire
import Foundation
import NIOCore
import NIOHTTP1

/// An async client of Cairn's native API (`/api/v1`).
///
/// Every method maps to one route and throws ``CairnClientError`` on failure: server errors keep the HTTP status and
/// the server's code and message; an unreachable server gives a message that says so. Model names and file paths may
/// hold any characters the registry allows: the client percent-encodes every path segment. File transfers stream
/// (see ``uploadFile(model:version:path:fileURL:progress:)`` and
/// ``downloadFile(model:version:path:to:expected:progress:)``): memory use does not grow with file size.
///
/// With a `token`, every request (JSON calls and streaming transfers alike) carries `Authorization: Bearer <token>`.
/// The token is never part of an error message or of the value's description.
///
/// The value is cheap to copy and safe to share between tasks.
public struct CairnClient: Sendable {
    /// The server's base URL, such as `http://127.0.0.1:5000`.
    public let baseURL: URL
    let httpClient: HTTPClient
    /// The API token sent as a bearer credential, or `nil` to act as the server's anonymous caller.
    let token: String?
    /// Time allowed for a JSON request and its answer.
    let requestTimeout: TimeAmount = .seconds(60)
    /// Time allowed for a whole file transfer.
    let transferTimeout: TimeAmount = .hours(24)
    /// Answers larger than this are refused rather than buffered (manifests and lists are far smaller).
    static let maxJSONBody = 64 * 1024 * 1024

    /// Creates a client of the server at `baseURL` (a path prefix such as `https://host/cairn` is kept).
    /// - Parameters:
    ///   - token: An API token (`cairn_…`) to send as `Authorization: Bearer`; surrounding whitespace is ignored and
    ///     an empty token means none.
    ///   - httpClient: The HTTP client to send requests with; the process-wide shared one by default.
    public init(baseURL: URL, token: String? = nil, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.token = token.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        self.httpClient = httpClient
    }

    /// Whether requests carry a bearer token.
    public var isAuthenticated: Bool { token != nil }

    /// Runs `body` with a client on its own `HTTPClient`, configured for interactive use (a refused connection fails
    /// at once instead of being retried until the deadline), and shuts that client down afterwards.
    /// - Parameter token: An API token to send with every request (see ``init(baseURL:token:httpClient:)``).
    public static func withClient<Result: Sendable>(
        baseURL: URL,
        token: String? = nil,
        _ body: (CairnClient) async throws -> Result
    ) async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(CairnClient(baseURL: baseURL, token: token, httpClient: httpClient)))
        } catch {
            result = .failure(error)
        }
        try? await httpClient.shutdown()
        return try result.get()
    }

    /// `GET /healthz`: succeeds when the server is up and answering.
    public func health() async throws {
        try await sendRaw(.GET, .root("healthz"))
    }

    // MARK: - Request plumbing

    func url(_ path: APIPath) -> String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path.target
    }

    /// Sends a request with an optional JSON body and decodes a JSON answer.
    func send<Response: Decodable>(
        _ method: HTTPMethod,
        _ path: APIPath,
        body: (some Encodable)? = Optional<Never>.none,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let bytes = try await sendRaw(method, path, body: body)
        do {
            return try WireJSON.decoder().decode(Response.self, from: Data(bytes))
        } catch {
            throw CairnClientError.badResponse(
                "The server's answer to \(method) \(path.target) is not the expected JSON (\(error)). "
                    + "Is \(baseURL.absoluteString) a Cairn server of a compatible version?"
            )
        }
    }

    /// Sends a request with an optional JSON body and returns the raw answer of a 2xx response.
    @discardableResult
    func sendRaw(
        _ method: HTTPMethod,
        _ path: APIPath,
        body: (some Encodable)? = Optional<Never>.none
    ) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            let data: Data
            do {
                data = try WireJSON.encoder().encode(body)
            } catch {
                throw CairnClientError.invalid("Could not encode the request: \(error)")
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response = try await execute(request, timeout: requestTimeout)
        let buffer = try await collect(response, method: method, path: path)
        try check(response, body: Array(buffer.readableBytesView))
        return Array(buffer.readableBytesView)
    }

    /// Executes a request with the bearer token (if any), turning transport failures into ``CairnClientError``.
    func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        var request = request
        if let token {
            guard Self.isSendableToken(token) else {
                throw CairnClientError.invalid(
                    "The API token contains characters that cannot be sent in an HTTP header; "
                        + "check the value of --token or CAIRN_TOKEN."
                )
            }
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            return try await httpClient.execute(request, timeout: timeout)
        } catch let error as CairnClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw transportError(error)
        }
    }

    func collect(_ response: HTTPClientResponse, method: HTTPMethod, path: APIPath) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: Self.maxJSONBody)
        } catch is NIOTooManyBytesError {
            throw CairnClientError.badResponse(
                "The answer to \(method) \(path.target) is larger than \(Self.maxJSONBody) bytes."
            )
        } catch {
            throw transportError(error)
        }
    }

    /// A token is sent only if it is printable ASCII without spaces (RFC 6750 `b64token` and then some): anything
    /// else could not be a token and could break the header.
    static func isSendableToken(_ token: String) -> Bool {
        token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Throws the server's error when `response` is not a 2xx answer.
    func check(_ response: HTTPClientResponse, body: [UInt8]) throws {
        guard (200..<300).contains(response.status.code) else {
            throw CairnClientError.fromResponse(
                status: Int(response.status.code),
                body: body,
                requestID: response.headers.first(name: WireHeaders.requestID),
                tokenSent: token != nil
            )
        }
    }

    /// Throws the server's error when `response` is not a 2xx answer, reading at most 1 MiB of its body.
    func checkStreaming(_ response: HTTPClientResponse) async throws {
        guard !(200..<300).contains(response.status.code) else { return }
        let body = (try? await response.body.collect(upTo: 1024 * 1024)).map { Array($0.readableBytesView) } ?? []
        try check(response, body: body)
    }

    func transportError(_ error: any Error) -> CairnClientError {
        if let error = error as? CairnClientError { return error }
        let text = String(describing: error)
        let unreachable = [
            "connectTimeout", "connectRefused", "NIOConnectionError", "ECONNREFUSED", "Connection refused",
            "unresolvedAddress", "SingleConnectionFailure", "getaddrinfo",
        ]
        .contains { text.contains($0) || String(reflecting: type(of: error)).contains($0) }
        if unreachable {
            return CairnClientError(
                code: CairnClientError.unreachable,
                message: "cannot reach Cairn at \(baseURL.absoluteString); is `cairn serve` running?",
                underlying: error
            )
        }
        return CairnClientError(
            code: CairnClientError.unreachable,
            message: "The connection to Cairn at \(baseURL.absoluteString) failed: \(text)",
            underlying: error
        )
    }
}

extension CairnClient: CustomStringConvertible, CustomReflectable {
    /// The server and whether a token is set; never the token.
    public var description: String {
        "CairnClient(\(baseURL.absoluteString), \(token == nil ? "anonymous" : "token: <redacted>"))"
    }

    /// What `dump` and debuggers show: no token.
    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "authenticated": token != nil], displayStyle: .struct)
    }
}

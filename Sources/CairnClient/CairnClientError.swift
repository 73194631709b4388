import CairnWire
import Foundation

/// The one error type of ``CairnClient``.
///
/// A server error carries the HTTP ``status`` and the server's stable ``code`` and ``message`` (from the native API's
/// ``ErrorBody``). Failures on the client side — the server cannot be reached, a download does not match its digest, a
/// local file cannot be read — carry `status == nil` and one of the client codes below. ``description`` is the
/// message alone, so it can be shown to a user as is.
public struct CairnClientError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status of the server's answer, or `nil` when the failure happened on the client side.
    public var status: Int?
    /// A stable code: the server's (`NOT_FOUND`, `ALREADY_EXISTS`, `DIGEST_MISMATCH`, …) or a client code
    /// (``unreachable``, ``invalidResponse``, ``localIO``, ``digestMismatch``, ``invalidArgument``).
    public var code: String
    /// What happened and how to fix it.
    public var message: String
    /// The server's request id, when it sent one (quote it when reporting a problem).
    public var requestID: String?
    /// The underlying cause, for logs.
    public var underlying: (any Error)?

    /// Creates an error; most callers only inspect errors thrown by ``CairnClient``.
    public init(
        status: Int? = nil,
        code: String,
        message: String,
        requestID: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.underlying = underlying
    }

    /// The message, plainly.
    public var description: String { message }

    /// True when the server answered `NOT_FOUND` (HTTP 404).
    public var isNotFound: Bool { code == "NOT_FOUND" || status == 404 }

    /// True when the server refused the request for lack of valid credentials (HTTP 401): no token, or a token that
    /// is unknown, expired or revoked. The message says how to authenticate.
    public var isUnauthenticated: Bool { status == 401 || code == "UNAUTHENTICATED" }

    /// True when the caller is known but lacks the role the action needs (HTTP 403); the message is the server's.
    public var isPermissionDenied: Bool { status == 403 || code == "PERMISSION_DENIED" }

    /// True when the error came from the server (as opposed to the network or the local machine).
    public var isServerError: Bool { status != nil }

    /// The server could not be reached (connection refused, DNS failure, connect timeout).
    public static let unreachable = "UNREACHABLE"
    /// The server answered something this client does not understand, or something unsafe (a hostile file path).
    public static let invalidResponse = "INVALID_RESPONSE"
    /// A local file or directory could not be read or written.
    public static let localIO = "LOCAL_IO"
    /// Downloaded or uploaded bytes do not match the expected SHA-256 digest or size.
    public static let digestMismatch = "DIGEST_MISMATCH"
    /// An argument was refused before anything was sent (a bad model name, URI or path).
    public static let invalidArgument = "INVALID_ARGUMENT"
}

extension CairnClientError {
    static func local(_ message: String, underlying: (any Error)? = nil) -> CairnClientError {
        CairnClientError(code: localIO, message: message, underlying: underlying)
    }

    static func invalid(_ message: String) -> CairnClientError {
        CairnClientError(code: invalidArgument, message: message)
    }

    static func badResponse(_ message: String, status: Int? = nil) -> CairnClientError {
        CairnClientError(status: status, code: invalidResponse, message: message)
    }

    /// Builds the error for a non-2xx answer from its status and (possibly non-JSON) body. A 401 answer's message
    /// also says how to authenticate, depending on whether a token was sent (`tokenSent`); the token itself is never
    /// part of it.
    static func fromResponse(
        status: Int,
        body: [UInt8],
        requestID: String?,
        tokenSent: Bool = false
    ) -> CairnClientError {
        var error = decode(status: status, body: body, requestID: requestID)
        if status == 401 {
            var message = error.message.trimmingCharacters(in: .whitespacesAndNewlines)
            if !message.isEmpty, !message.hasSuffix(".") { message += "." }
            error.message =
                (message.isEmpty ? "" : message + " ")
                + (tokenSent
                    ? "The API token given with --token or CAIRN_TOKEN was refused: it may be mistyped, expired or "
                        + "revoked."
                    : "Authenticate with an API token: pass --token or set CAIRN_TOKEN (an administrator creates "
                        + "one with `cairn tokens create --account NAME`).")
        }
        return error
    }

    private static func decode(status: Int, body: [UInt8], requestID: String?) -> CairnClientError {
        if let error = try? WireJSON.decoder().decode(ErrorBody.self, from: Data(body)) {
            return CairnClientError(
                status: status,
                code: error.code,
                message: error.message,
                requestID: error.requestId ?? requestID
            )
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let code =
            switch status {
            case 404: "NOT_FOUND"
            case 401: "UNAUTHENTICATED"
            case 403: "PERMISSION_DENIED"
            case 503: "UNAVAILABLE"
            default: status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT"
            }
        let detail = text.isEmpty ? "" : ": \(text)"
        return CairnClientError(
            status: status,
            code: code,
            message: "The server answered HTTP \(status)\(detail)",
            requestID: requestID
        )
    }
}

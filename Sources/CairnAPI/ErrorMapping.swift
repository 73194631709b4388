import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error a native route throws into the native error shape, in one place (the native surface's
/// ``HTTPSurface/errorResponse(for:request:context:)``).
///
/// `RegistryError` codes map to statuses through ``status(for:)``; Hummingbird's own errors (unknown route, body too
/// large) get their status and a stable code; anything else is a bug: it is logged with the request id and answered
/// with a generic 500 that never echoes internal details.
enum NativeErrors {
    typealias Context = CairnRequestContext

    static func render(_ error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let error as RegistryError:
            if Self.status(for: error.code) == .internalServerError {
                // A backend's text (file paths, SQL errors) is for the log, never for the caller.
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return Self.response(
                    status: .internalServerError,
                    code: RegistryError.Code.internalError.rawValue,
                    message: "An internal error occurred; it has been logged with request id \(context.id).",
                    context: context
                )
            }
            return Self.response(
                status: Self.status(for: error.code),
                code: error.code.rawValue,
                message: error.message,
                context: context
            )
        case let error where RequestBodyReader.clientFault(error) != nil:
            // Malformed framing is the client's fault: a 400, logged at debug only.
            let fault = RequestBodyReader.clientFault(error)!
            context.logger.debug("malformed request framing", metadata: ["error": "\(error)"])
            return Self.response(
                status: .badRequest,
                code: fault.code.rawValue,
                message: fault.message,
                context: context
            )
        case let error as HTTPError:
            let code: RegistryError.Code =
                switch error.status {
                case .notFound: .notFound
                case .contentTooLarge: .payloadTooLarge
                case .methodNotAllowed: .invalidArgument
                case .unsupportedMediaType: .unsupportedMediaType
                case .badRequest: .invalidArgument
                default: error.status.code >= 500 ? .internalError : .invalidArgument
                }
            let message =
                switch error.status {
                case .notFound: "No route matches \(request.method) \(request.uri.path). See /api/v1/openapi.json."
                case .contentTooLarge: "The request body is too large for this endpoint."
                default: error.body ?? error.status.reasonPhrase
                }
            return Self.response(status: error.status, code: code.rawValue, message: message, context: context)
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Self.response(
                status: .internalServerError,
                code: RegistryError.Code.internalError.rawValue,
                message: "An internal error occurred; it has been logged with request id \(context.id).",
                context: context
            )
        }
    }

    /// The one mapping from error codes to HTTP statuses of the native API.
    static func status(for code: RegistryError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalidArgument: .badRequest
        case .notFound: .notFound
        case .alreadyExists, .failedPrecondition, .approvalRequired: .conflict
        case .digestMismatch: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rangeNotSatisfiable: .rangeNotSatisfiable
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }

    static func response(status: HTTPResponse.Status, code: String, message: String, context: Context) -> Response {
        let body = ErrorBody(code: code, message: message, requestId: context.id)
        var response = JSONResponse.make(body, status: status)
        // Every 401 names the schemes that would work (RFC 9110 §11.6.1).
        if status == .unauthorized { response.headers[.wwwAuthenticate] = AccessRule.challenge }
        return response
    }
}

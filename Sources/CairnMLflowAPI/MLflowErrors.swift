import CairnCore
import CairnHTTP
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The one place where errors become MLflow's `{"error_code","message"}` bodies.
///
/// The client branches on `error_code`, and it retries 408/429/5xx for minutes, so every deterministic failure must
/// be a 4xx. `RegistryError` codes map through ``map(_:)``; Hummingbird's own errors keep their 4xx status; anything
/// else is a bug, logged with the request id and answered with a generic 500 that never echoes internals.
enum MLflowErrors {
    /// MLflow's error code and HTTP status for a Cairn error code.
    static func map(_ code: RegistryError.Code) -> (errorCode: String, status: HTTPResponse.Status) {
        switch code {
        case .invalidArgument, .digestMismatch, .payloadTooLarge, .unsupportedMediaType, .rangeNotSatisfiable:
            ("INVALID_PARAMETER_VALUE", .badRequest)
        case .notFound: ("RESOURCE_DOES_NOT_EXIST", .notFound)
        case .alreadyExists: ("RESOURCE_ALREADY_EXISTS", .badRequest)
        case .failedPrecondition, .approvalRequired: ("INVALID_STATE", .badRequest)
        case .unauthenticated: ("UNAUTHENTICATED", .unauthorized)
        case .permissionDenied: ("PERMISSION_DENIED", .forbidden)
        case .unavailable: ("TEMPORARILY_UNAVAILABLE", .serviceUnavailable)
        case MLflowErrors.endpointNotFound: ("ENDPOINT_NOT_FOUND", .notFound)
        case MLflowErrors.methodNotAllowed: ("ENDPOINT_NOT_FOUND", .methodNotAllowed)
        default: ("INTERNAL_ERROR", .internalServerError)
        }
    }

    /// Raised for a path under an MLflow prefix that no route serves.
    static let endpointNotFound = RegistryError.Code("MLFLOW_ENDPOINT_NOT_FOUND")
    /// Raised for a served path called with a method it does not serve (MLflow answers 405).
    static let methodNotAllowed = RegistryError.Code("MLFLOW_METHOD_NOT_ALLOWED")

    /// The response for any error thrown by an MLflow handler.
    static func response(for error: any Error, request: Request, context: CairnRequestContext) -> Response {
        switch error {
        case let error as RegistryError:
            let (code, status) = map(error.code)
            if status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return body(code: code, message: genericMessage(context), status: status)
            }
            var response = body(code: code, message: error.message, status: status)
            if status == .unauthorized { response.headers[.wwwAuthenticate] = AccessRule.challenge }
            return response
        case let error where RequestBodyReader.clientFault(error) != nil:
            context.logger.debug("malformed request framing", metadata: ["error": "\(error)"])
            return body(
                code: "INVALID_PARAMETER_VALUE",
                message: RequestBodyReader.clientFault(error)!.message,
                status: .badRequest
            )
        case let error as HTTPError where error.status.code < 500:
            let code = error.status == .notFound ? "ENDPOINT_NOT_FOUND" : "INVALID_PARAMETER_VALUE"
            return body(code: code, message: error.body ?? error.status.reasonPhrase, status: error.status)
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return body(code: "INTERNAL_ERROR", message: genericMessage(context), status: .internalServerError)
        }
    }

    static func genericMessage(_ context: CairnRequestContext) -> String {
        "An internal error occurred; it has been logged with request id \(context.id)."
    }

    /// An error body with MLflow's shape.
    static func body(code: String, message: String, status: HTTPResponse.Status) -> Response {
        var object = JSONObject()
        object.set("error_code", .string(code))
        object.set("message", .string(message))
        return MLflowResponse.json(object, status: status)
    }
}

/// Building responses.
enum MLflowResponse {
    /// A JSON response with a Content-Length (MLflow never chunks JSON).
    static func json(_ object: JSONObject, status: HTTPResponse.Status = .ok) -> Response {
        json(body: ByteBuffer(string: object.value.serialized), status: status)
    }

    /// An encoded JSON body (a cached answer).
    static func json(body buffer: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(buffer.readableBytes)],
            body: .init(byteBuffer: buffer)
        )
    }

    /// `{}`: MLflow's empty success.
    static var empty: Response { json(JSONObject()) }

    /// A one-field object: `{"experiment": {...}}`.
    static func wrap(_ key: String, _ value: JSONValue) -> Response {
        var object = JSONObject()
        object.set(key, value)
        return json(object)
    }

    /// A plain-text response.
    static func text(_ text: String, contentType: String) -> Response {
        let buffer = ByteBuffer(string: text)
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentLength: String(buffer.readableBytes)],
            body: .init(byteBuffer: buffer)
        )
    }
}

extension RegistryError {
    /// MLflow's message for a missing or empty required parameter.
    static func missing(_ name: String) -> RegistryError {
        RegistryError(
            .invalidArgument,
            "Missing value for required parameter '\(name)'. See the API docs for more information about request "
                + "parameters."
        )
    }

    /// An invalid parameter value, with MLflow's error code.
    static func badValue(_ message: String) -> RegistryError {
        RegistryError(.invalidArgument, message)
    }
}

import CairnCore
import CairnHTTP
import HTTPTypes
import Hummingbird

/// One operation of the native API: its route, its documentation and its handler.
///
/// The route table (``NativeAPI/endpoints``) is the single source for three things that must never drift apart: what
/// the router serves, what `/api/v1/openapi.json` documents, and which ``AccessRule`` authorizes each route.
struct Endpoint: Sendable {
    typealias Handler = @Sendable (Request, CairnRequestContext, RegistryService) async throws -> Response

    /// A query parameter, for the OpenAPI document.
    struct Query: Sendable {
        var name: String
        var description: String
        var type: String = "string"
        var repeated = false
    }

    var method: HTTPRequest.Method
    /// OpenAPI form: `/api/v1/models/{name}`; `{path}` last means "the rest of the path".
    var path: String
    var operationID: String
    var summary: String
    var query: [Query] = []
    /// Name of the request body schema (JSON), `"binary"` for a raw byte stream, or `nil` for none.
    var requestBody: String?
    /// Success status and the name of its response schema (`"binary"`, `"tar"` or `nil` for none).
    var success: (status: Int, schema: String?)
    /// Error statuses this operation can answer with (401 and 403 are added from ``rule``).
    var errors: [Int]
    /// Who may call it; checked by ``AccessGuard`` before ``handler``. Deliberately without a default.
    var rule: AccessRule
    var handler: Handler

    /// The Hummingbird route path: `{x}` becomes `:x`, a trailing `{path}` becomes `**`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            if segment == "{path}" { return "**" }
            if segment.hasPrefix("{") { return ":" + segment.dropFirst().dropLast() }
            return String(segment)
        }.joined(separator: "/")
    }

    /// Names of the `{x}` path parameters.
    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}

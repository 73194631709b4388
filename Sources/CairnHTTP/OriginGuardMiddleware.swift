import CairnCore
import HTTPTypes
import Hummingbird

/// Applies the ``OriginPolicy`` to every request, before authentication and before any route: a refused request
/// carries its refusal in ``CairnRequestContext/refusal``, which ``AccessGuard`` raises before anything else, so each
/// surface answers in its own error shape and no handler runs (nothing is read, created or logged in the audit log).
///
/// With CORS origins configured, a preflight (`OPTIONS` with `Access-Control-Request-Method`) from one of them is
/// answered here with 204, and every response to one of them names it in `Access-Control-Allow-Origin`.
public struct OriginGuardMiddleware: RouterMiddleware {
    public typealias Context = CairnRequestContext
    public let policy: OriginPolicy

    public init(_ policy: OriginPolicy) {
        self.policy = policy
    }

    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let forwarded = HTTPField.Name("Forwarded")!
    static let origin = HTTPField.Name("Origin")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!
    static let vary = HTTPField.Name("Vary")!

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let headers = request.headers
        let facts = OriginPolicy.RequestFacts(
            method: request.method.rawValue,
            host: request.head.authority,
            forwardedHost: headers[Self.forwardedHost],
            forwarded: headers[Self.forwarded],
            origin: headers[Self.origin],
            secFetchSite: headers[Self.secFetchSite],
            peer: context.remoteIP
        )
        context.refusal = policy.refusal(facts)
        let corsOrigin = context.refusal == nil ? policy.corsOrigin(for: facts.origin) : nil
        if let corsOrigin, request.method == .options, headers[Self.requestMethod] != nil {
            var preflight = Response(status: .noContent)
            preflight.headers[Self.allowOrigin] = corsOrigin
            preflight.headers[Self.allowMethods] = "GET, HEAD, POST, PUT, PATCH, DELETE"
            preflight.headers[Self.allowHeaders] =
                "Authorization, Content-Type, Range, If-None-Match, X-Cairn-Digest, X-Cairn-Size"
            preflight.headers[Self.maxAge] = "600"
            preflight.headers[Self.vary] = "Origin"
            return preflight
        }
        var response = try await next(request, context)
        if let corsOrigin {
            response.headers[Self.allowOrigin] = corsOrigin
            response.headers[Self.exposeHeaders] = "X-Request-Id, ETag, Content-Length, Content-Range"
            response.headers[Self.vary] = "Origin"
        }
        return response
    }
}

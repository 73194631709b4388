import CairnCore
import HTTPTypes
import Hummingbird

/// One HTTP surface of the server: the native API, MLflow's, later the web UI.
///
/// A surface registers its routes in a route group of its own, behind its own error middleware, so every error of its
/// routes (the access guard's included) answers in its shape and no other surface's. A request that matches no route
/// at all never reaches a group: ``UnmatchedRouteMiddleware`` hands it to the surface whose ``prefixes`` claim its
/// path, which answers in its shape (404, or 405 for a path it serves with other methods).
public protocol HTTPSurface: Sendable {
    /// The path prefixes this surface answers unmatched requests under (`/api/2.0/mlflow`); the longest claim wins,
    /// and the surface claiming `""` answers the rest.
    var prefixes: [String] { get }
    /// Adds the surface's routes to `router`, in a group behind ``SurfaceErrorMiddleware`` of this surface.
    func register(on router: Router<CairnRequestContext>)
    /// Any error as this surface answers it (status, code and message in its shape). Never echoes internals.
    func errorResponse(for error: any Error, request: Request, context: CairnRequestContext) -> Response
    /// The error of a request under ``prefixes`` that no route matched (`status`: the router's 404 or 405).
    func unmatchedError(_ request: Request, status: HTTPResponse.Status) -> any Error
}

/// Turns every error a surface's routes throw into that surface's answer
/// (``HTTPSurface/errorResponse(for:request:context:)``). Added to the surface's route group, so it never sees another
/// surface's routes.
public struct SurfaceErrorMiddleware<Surface: HTTPSurface>: RouterMiddleware {
    public typealias Context = CairnRequestContext
    let surface: Surface

    public init(_ surface: Surface) {
        self.surface = surface
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return surface.errorResponse(for: error, request: request, context: context)
        }
    }
}

/// Answers requests that match no route, in the shape of the surface that claims their path. Add it to the router
/// before the surfaces register (it sees only what escapes every group: the router's own 404 and 405).
public struct UnmatchedRouteMiddleware: RouterMiddleware {
    public typealias Context = CairnRequestContext
    let surfaces: [any HTTPSurface]

    public init(_ surfaces: [any HTTPSurface]) {
        self.surfaces = surfaces
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            guard let surface = owner(of: request.uri.path) else { throw error }
            // As on a route: a refused origin or refused credentials answer first, whatever the path.
            let answer =
                context.refusal ?? context.authenticationError
                ?? surface.unmatchedError(
                    request,
                    status: error.status
                )
            return surface.errorResponse(for: answer, request: request, context: context)
        }
    }

    /// The surface with the longest prefix claiming `path`.
    func owner(of path: String) -> (any HTTPSurface)? {
        var best: (surface: any HTTPSurface, length: Int)?
        for surface in surfaces {
            for prefix in surface.prefixes where Self.claims(prefix, path) && prefix.count >= (best?.length ?? -1) {
                best = (surface, prefix.count)
            }
        }
        return best?.surface
    }

    static func claims(_ prefix: String, _ path: String) -> Bool {
        prefix.isEmpty || path == prefix || path.hasPrefix(prefix + "/")
    }
}

/// Sets the request id (`X-Request-ID`) on every response of every surface, so a caller can quote it and the log
/// finds it.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = CairnRequestContext
    public static let header = HTTPField.Name("X-Request-Id")!

    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = context.id
        return response
    }
}

/// Matches a request path against route paths in router form (`:name` one segment, `**` the rest), for a surface
/// that tells "served with another method" (405) from "not served" (404).
public enum RoutePathMatch {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let want = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let have = path.split(separator: "/", omittingEmptySubsequences: true)
        for (index, segment) in want.enumerated() {
            if segment == "**" { return have.count > index }
            guard index < have.count else { return false }
            if segment.hasPrefix(":") { continue }
            if segment != have[index] { return false }
        }
        return want.count == have.count
    }
}

import CairnCore
import CairnHTTP
import HTTPTypes
import Hummingbird

/// The MLflow-compatible API (`/api/2.0/mlflow`, `/api/2.0/mlflow-artifacts`, `/api/3.0/mlflow`): MLflow's wire
/// format, Cairn's rules. Every handler calls `RegistryService`; no business logic lives here.
///
/// Pipeline of one call: the route table (``routes``) picks the handler; ``MLflowInput`` reads the query (GET) or
/// JSON body (POST/PATCH/DELETE); the handler calls one or a few service use cases and shapes the answer with
/// ``MLflowEntities``; any error is turned into `{"error_code","message"}` by ``MLflowErrors`` in the one wrapper of
/// ``register(on:)``, so no MLflow error ever reaches the native API's error middleware. Before the handler, that
/// wrapper applies the route's ``AccessRule`` to the principal the router's `AuthenticationMiddleware` resolved.
public struct MLflowAPI: HTTPSurface {
    public let service: RegistryService
    let cache: ReadCache<ByteBuffer>?

    /// - Parameter changeGeneration: when given (a `ChangeCountingStore`'s `generation`), the reads of the serving hot
    ///   path (routes with a ``MLflowRoute/CachedRead``) are answered from memory until the next write.
    public init(service: RegistryService, changeGeneration: (@Sendable () -> UInt64)? = nil) {
        self.service = service
        self.cache = changeGeneration.map { ReadCache(generation: $0) }
    }

    /// Every MLflow route, in documentation order.
    static var routes: [MLflowRoute] {
        MLflowSystemRoutes.routes + MLflowExperimentRoutes.routes + MLflowRunRoutes.routes
            + MLflowLoggedModelRoutes.routes + MLflowModelRoutes.routes + MLflowVersionRoutes.routes
            + MLflowArtifactRoutes.routes + MLflowWebhookRoutes.routes
    }

    /// The served operations as (method, path) pairs, for completeness tests.
    static var servedOperations: [(method: String, path: String)] {
        routes.map { ($0.method.rawValue, $0.path) }
    }

    /// Prefixes under which an unknown path answers 404 `ENDPOINT_NOT_FOUND` in MLflow's shape.
    static let prefixes = ["/api/2.0/mlflow", "/api/3.0/mlflow", "/api/2.0/mlflow-artifacts"]

    /// Every route this API registers, in router form, with its rule: for completeness tests.
    public static var routeRules: [(method: String, path: String, rule: AccessRule)] {
        routes.map { ($0.method.rawValue, $0.path, $0.rule) }
    }

    /// MLflow's answer where no operation serves the request: a served path called with another method is 405 with
    /// the methods it takes; any other path under the prefixes 404 `ENDPOINT_NOT_FOUND`, saying why (``notServed``).
    public func unmatchedError(_ request: Request, status: HTTPResponse.Status) -> any Error {
        let path = request.uri.path
        let allowed = Set(Self.routes.filter { RoutePathMatch.matches($0.path, path) }.map(\.method.rawValue))
        if !allowed.isEmpty, !allowed.contains(request.method.rawValue) {
            return RegistryError(
                MLflowErrors.methodNotAllowed,
                "\(request.method) is not allowed on \(path); use \(allowed.sorted().joined(separator: ", "))."
            )
        }
        return RegistryError(MLflowErrors.endpointNotFound, Self.notServed(request.method, path))
    }

    public var prefixes: [String] { Self.prefixes }

    public func errorResponse(for error: any Error, request: Request, context: CairnRequestContext) -> Response {
        MLflowErrors.response(for: error, request: request, context: context)
    }

    /// The GenAI surfaces of MLflow 3 (tracing, evaluation, the AI gateway, MCP servers): out of scope for a model
    /// registry.
    static let genAIAreas = [
        "traces", "assessments", "scorers", "datasets", "gateway", "prompt-optimization", "review-queues",
        "label-schemas", "mcp-servers", "mcp-access-endpoints",
    ]

    /// The message of a 404 under the MLflow prefixes: GenAI areas say they are out of scope, anything else that no
    /// endpoint serves it.
    static func notServed(_ method: HTTPRequest.Method, _ path: String) -> String {
        let segments = path.split(separator: "/").map(String.init)
        let area = segments.dropFirst(3).first ?? ""
        if genAIAreas.contains(area) {
            return "Cairn is a model registry and does not serve MLflow's \(area) API (\(method) \(path)): tracing, "
                + "GenAI evaluation, the AI gateway and MCP servers are out of its scope. Send traces and evaluations "
                + "to an MLflow tracking server; models, runs and the registry work here."
        }
        if area == "workspaces" {
            return "Cairn does not serve MLflow's workspaces API (\(method) \(path)): this server has one workspace "
                + "(server-info says workspaces_enabled: false); separate teams with accounts and per-model grants."
        }
        if area == "webhooks" {
            return "Cairn does not serve MLflow's webhooks API (\(method) \(path)) in this version: registry changes "
                + "are recorded in its audit log (GET /api/v1/events)."
        }
        return "No MLflow endpoint serves \(method) \(path)."
    }

    /// Adds every MLflow route to `router`, in a group behind MLflow's error shape (``MLflowErrors``). Each route
    /// passes ``AccessGuard`` with its rule before its handler.
    public func register(on router: Router<CairnRequestContext>) {
        let group = router.group().add(middleware: SurfaceErrorMiddleware(self))
        let service = service
        for route in Self.routes {
            let handler =
                if let cache, let read = route.cached { read.handler(through: cache, route: route.path) } else {
                    route.handler
                }
            let (rule, attempted) = (route.rule, "\(route.method) \(route.path)")
            group.on(RouterPath(route.path), method: route.method) { request, context in
                try await AccessGuard.check(
                    rule,
                    context: context,
                    service: service,
                    attempted: attempted,
                    partToken: rule == .partToken ? request.headers[AccessRule.partTokenHeader] : nil
                )
                return try await handler(request, context, service)
            }
        }
    }
}

/// One MLflow operation: method, Hummingbird path, access rule and handler.
struct MLflowRoute: Sendable {
    typealias Handler = @Sendable (Request, CairnRequestContext, RegistryService) async throws -> Response
    typealias InputHandler = @Sendable (MLflowInput, CairnRequestContext, RegistryService) async throws -> Response

    var method: HTTPRequest.Method
    var path: String
    /// Who may call it; checked by `AccessGuard` before ``handler``. Every initializer requires it.
    var rule: AccessRule
    var handler: Handler
    /// Set for the reads serving fleets make on every model load; cached by ``MLflowAPI`` when it has a generation.
    var cached: CachedRead?

    /// A read whose answer depends only on its input and the store's contents, so it can be kept until the next
    /// write and served to every caller allowed to read the model.
    struct CachedRead: Sendable {
        typealias Body = @Sendable (MLflowInput, CairnRequestContext, RegistryService) async throws -> JSONObject
        /// The arguments that must be well-formed for an answer to be stored; the first is the model's `name`.
        var keys: [String]
        /// Argument lists that must be well-formed too (`stages`).
        var lists: [String] = []
        var body: Body

        /// The model `input` names, when its arguments are well-formed (strings where strings are expected): only
        /// then is an answer stored; the uncached path answers anything else with its error.
        func model(in input: MLflowInput) -> String? {
            guard let model = try? input.string(keys[0]), !model.isEmpty else { return nil }
            guard keys.allSatisfy({ (try? input.string($0)) != nil }),
                lists.allSatisfy({ (try? input.strings($0)) != nil })
            else { return nil }
            return model
        }

        /// The handler through `cache`, keyed by the raw query (GET) or body (POST), so a hit parses nothing. The
        /// cache applies the core's read rule to a hit (``ReadCache``); a caller it refuses takes the uncached path,
        /// where the core refuses it. Only answers are stored (never errors), under the generation read before
        /// computing them, and only for inputs whose arguments are well-formed.
        func handler(through cache: ReadCache<ByteBuffer>, route: String) -> Handler {
            { [self] request, context, service in
                let collected = request.method == .get ? nil : try await MLflowInput.body(of: request)
                let rawKey = route + "\u{0}" + (collected.map { String(buffer: $0) } ?? request.uri.query ?? "")
                if let hit = cache.lookup(rawKey, for: context.principal) { return MLflowResponse.json(body: hit) }
                let input =
                    try collected.map { try MLflowInput.parse(body: $0, contentType: request.headers[.contentType]) }
                    ?? MLflowInput(source: .query(try MLflowInput.queryPairs(request.uri.query)))
                guard let model = model(in: input) else {
                    return MLflowResponse.json(try await body(input, context, service))
                }
                let generation = cache.currentGeneration
                let buffer = ByteBuffer(string: try await body(input, context, service).value.serialized)
                cache.store(buffer, about: model, for: rawKey, generation: generation)
                return MLflowResponse.json(body: buffer)
            }
        }
    }

    /// A route whose handler reads raw requests (artifacts, path parameters).
    init(_ method: HTTPRequest.Method, _ path: String, _ rule: AccessRule, raw handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.rule = rule
        self.handler = handler
    }

    /// A cacheable read (see ``CachedRead``). `path` is relative to `/api/2.0/mlflow`.
    init(_ method: HTTPRequest.Method, _ path: String, _ rule: AccessRule, cached: CachedRead) {
        self.init(method, path, rule) { input, context, service in
            MLflowResponse.json(try await cached.body(input, context, service))
        }
        self.cached = cached
    }

    /// A route whose handler reads ``MLflowInput``. `path` is relative to `/api/2.0/mlflow`.
    init(_ method: HTTPRequest.Method, _ path: String, _ rule: AccessRule, _ handler: @escaping InputHandler) {
        self.method = method
        self.path = "/api/2.0/mlflow/" + path
        self.rule = rule
        self.handler = { request, context, service in
            try await handler(try await MLflowInput.read(request), context, service)
        }
    }
}

/// `/health`, `/version` and `/api/3.0/mlflow/server-info`.
enum MLflowSystemRoutes {
    /// The MLflow version Cairn speaks the wire format of.
    static let mlflowVersion = "3.18.0"

    static let routes: [MLflowRoute] = [
        MLflowRoute(.get, "/health", .public, raw: { _, _, _ in MLflowResponse.text("OK", contentType: "text/plain") }),
        MLflowRoute(
            .get,
            "/version",
            .public,
            raw: { _, _, _ in MLflowResponse.text(mlflowVersion, contentType: "text/plain") }
        ),
        MLflowRoute(.get, "/api/3.0/mlflow/server-info", .public, raw: { _, _, _ in serverInfo }),
    ]

    /// Capabilities: proxied multipart upload (`mlflow-artifacts/mpu/…`, parts sent to Cairn itself); no presigned
    /// transfers to a cloud store and no multipart downloads, so the client downloads with plain GETs.
    static var serverInfo: Response {
        var features = JSONObject()
        features.set("gateway", .bool(false))
        var object = JSONObject()
        object.set("store_type", "SqlStore")
        object.set("workspaces_enabled", .bool(false))
        object.set("trace_archival_enabled", .bool(false))
        object.set("multipart_uploads_enabled", .bool(true))
        object.set("multipart_downloads_enabled", .bool(false))
        object.set("artifact_serving_enabled", .bool(true))
        object.set("presigned_upload_run_id_supported", .bool(false))
        object.set("presigned_upload_model_id_supported", .bool(false))
        object.set("model_artifact_presigned_downloads_supported", .bool(false))
        object.set("features_enabled", features.value)
        object.set("tracking_auth", "")
        object.set("artifacts_presigned_only", .bool(false))
        return MLflowResponse.json(object)
    }
}

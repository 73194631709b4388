import CairnCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns a request's `Authorization` header into the ``Principal`` it acts as.
///
/// - `Bearer <token>` → ``Credentials/bearer(_:)``.
/// - `Basic base64(name:secret)` → ``Credentials/basic(username:secret:)``, split at the first `:`; the secret is a
///   password or a token (the mlflow client sends `MLFLOW_TRACKING_USERNAME`/`PASSWORD` this way).
/// - No header → the anonymous caller with the server's ``AnonymousAccess`` role.
/// - Anything else, or credentials the core refuses → ``IdentityService/authenticationFailedMessage``, whatever
///   failed (never anonymous instead), after the ``LoginThrottle`` delay earned by the client (its IP) or by the
///   account named (Basic), whichever is longer; a success forgives only that account's series.
/// - Password checks saturated (``PasswordCheckBudget``) → 503 `.unavailable`, shed before hashing.
///
/// Basic verification may run the slow password hash (the core remembers verified passwords, so that happens once per
/// password, not per request): it runs on ``BlockingWorkExecutor``, off the cooperative pool. Nothing here logs a
/// secret.
public final class Authenticator: Sendable {
    public let service: RegistryService
    /// The role of requests without credentials.
    public let anonymous: AnonymousAccess
    public let throttle: LoginThrottle

    public init(service: RegistryService, anonymous: AnonymousAccess, throttle: LoginThrottle = LoginThrottle()) {
        self.service = service
        self.anonymous = anonymous
        self.throttle = throttle
    }

    /// The throttle's key for failures against one account name (whatever client sends them).
    static func throttleKey(account: String) -> String { "account:" + account }

    /// Parses one `Authorization` header value.
    /// - Throws: `.unauthenticated` for an unknown scheme or malformed value.
    public static func credentials(fromAuthorization value: String) throws(RegistryError) -> Credentials {
        let failed = RegistryError(.unauthenticated, IdentityService.authenticationFailedMessage)
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { throw failed }
        let (scheme, payload) = (parts[0].lowercased(), parts[1].trimmingCharacters(in: .whitespaces))
        switch scheme {
        case "bearer":
            guard !payload.isEmpty, !payload.contains(" ") else { throw failed }
            return .bearer(payload)
        case "basic":
            var padded = payload
            if padded.count % 4 != 0 { padded += String(repeating: "=", count: 4 - padded.count % 4) }
            guard let data = Data(base64Encoded: padded), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":"), colon != text.startIndex
            else { throw failed }
            return .basic(username: String(text[..<colon]), secret: String(text[text.index(after: colon)...]))
        default:
            throw failed
        }
    }

    /// Authenticates `request`: sets `context.principal`, or `context.authenticationError` when the credentials are
    /// refused (after the throttle's delay).
    public func authenticate(_ request: Request, context: inout CairnRequestContext) async {
        let values = request.headers[values: .authorization]
        guard !values.isEmpty else {
            context.principal = .anonymous(anonymous)
            return
        }
        let client = context.remoteIP ?? "unknown"
        var account: String?
        do {
            guard values.count == 1 else {
                throw RegistryError(.unauthenticated, IdentityService.authenticationFailedMessage)
            }
            let credentials = try Self.credentials(fromAuthorization: values[0])
            if case .basic(let username, _) = credentials { account = username }
            context.principal = try await principal(for: credentials)
            // Only the account's own series is forgiven: a success with one's own credentials must not reset the
            // failures counted against the client for guessing someone else's.
            if let account { throttle.recordSuccess(client: Self.throttleKey(account: account)) }
        } catch let error as RegistryError where error.code == .unauthenticated {
            context.principal = .anonymous
            context.authenticationError = RegistryError(.unauthenticated, IdentityService.authenticationFailedMessage)
            await throttle.failed(clients: [client] + (account.map { [Self.throttleKey(account: $0)] } ?? []))
        } catch let error as RegistryError where error.code == .unavailable {
            // Password checks are saturated: the request is shed before any hashing; the client may retry.
            context.principal = .anonymous
            context.authenticationError = error
            context.logger.debug("password check shed", metadata: ["client": "\(client)"])
        } catch {
            context.principal = .anonymous
            context.authenticationError =
                error as? RegistryError ?? RegistryError(.internalError, "Authentication failed unexpectedly.")
            context.logger.error("authentication failed unexpectedly", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// The principal `credentials` prove.
    /// - Throws: `.unauthenticated`; store failures.
    public func principal(for credentials: Credentials) async throws -> Principal {
        switch credentials {
        case .bearer:
            return try await service.identity.authenticate(credentials)
        case .basic:
            let service = service
            return try await withTaskExecutorPreference(BlockingWorkExecutor.shared) {
                try await service.identity.authenticate(credentials)
            }
        }
    }
}

/// Resolves every request's principal with an ``Authenticator``. Add it to the router before any route, so every
/// surface (native, MLflow, whatever comes later) gets it; each route's ``AccessGuard`` then applies its rule.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = CairnRequestContext
    public let authenticator: Authenticator

    public init(_ authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        // A request the origin guard refused is answered with that refusal: no password is hashed for it.
        if context.refusal == nil { await authenticator.authenticate(request, context: &context) }
        return try await next(request, context)
    }
}

import CairnCore
import Hummingbird
import NIOCore

/// The per-request context of every Cairn route: Hummingbird's core storage plus who is asking.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The principal the request acts as, set by ``AuthenticationMiddleware``. Until it runs (or without it): the
    /// anonymous caller with no grants, which every guarded route refuses.
    public var principal: Principal
    /// Why the credentials the request presented were refused (set by ``AuthenticationMiddleware``). A route answers
    /// with this error before anything else: bad credentials never fall back to anonymous.
    public var authenticationError: RegistryError?
    /// Why the request is refused whoever sends it (a host or origin the ``OriginPolicy`` refuses), set by
    /// ``OriginGuardMiddleware``; ``AccessGuard`` raises it before anything else, so no handler runs.
    public var refusal: RegistryError?
    /// The peer's IP address (`nil` when the channel has none, as in in-process tests): the key of the login
    /// throttle.
    public var remoteIP: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = .anonymous
        self.authenticationError = nil
        self.refusal = nil
        self.remoteIP = source.channel.remoteAddress?.ipAddress
    }
}

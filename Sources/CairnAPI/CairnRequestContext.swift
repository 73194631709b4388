import CairnCore
import Hummingbird

/// The per-request context of every Cairn route: Hummingbird's core storage plus who is asking.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The principal the request acts as. Set by authentication middleware; anonymous until identity arrives.
    public var principal: Principal

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = .anonymous
    }
}

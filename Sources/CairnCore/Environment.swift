import Foundation

/// The source of time for the domain. Inject ``ManualClock`` (in CairnTesting) in tests; never sleep.
public protocol Clock: Sendable {
    func now() -> Date
}

/// Wall-clock time, truncated to milliseconds (the precision every store keeps).
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// The source of opaque identifiers.
public protocol IDGenerator: Sendable {
    func next() -> String
}

/// Random UUIDs, lowercased, without dashes (32 hex digits, like MLflow's ids).
public struct RandomIDGenerator: IDGenerator {
    public init() {}
    public func next() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
}

/// Who is acting. Until identity arrives every request acts as ``anonymous``; the domain records ``name`` on every
/// change.
public struct Principal: Hashable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
    public static let anonymous = Principal(name: "anonymous")
    /// The server itself (expiry of stale uploads, migrations).
    public static let system = Principal(name: "system")
}

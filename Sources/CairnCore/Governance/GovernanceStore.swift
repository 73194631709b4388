import Foundation

/// A filter over the event log. Every set field must match; `nil` matches anything.
public struct EventQuery: Hashable, Sendable {
    /// Events that concern this model (by id, so renames do not hide its history).
    public var modelID: String?
    /// With ``modelID``: also the events that carry no model id (written before events carried one) whose subject
    /// is this (`model/NAME`) or under it.
    public var legacySubject: String?
    /// Events whose subject is `model/NAME` or under it: for a model that no longer exists.
    public var modelSubject: String?
    /// Events about this version number (subject ending in `/version/N`).
    public var versionNumber: Int?
    /// Exactly this actor.
    public var actor: String?
    /// This action, or every action under it: `transition` matches `transition.requested`.
    public var action: String?
    /// At or after this time.
    public var since: Date?
    /// Before this time.
    public var until: Date?

    public init(
        modelID: String? = nil,
        legacySubject: String? = nil,
        modelSubject: String? = nil,
        versionNumber: Int? = nil,
        actor: String? = nil,
        action: String? = nil,
        since: Date? = nil,
        until: Date? = nil
    ) {
        self.modelID = modelID
        self.legacySubject = legacySubject
        self.modelSubject = modelSubject
        self.versionNumber = versionNumber
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
    }

    /// Whether `event` matches: the definition every store's query must agree with. Text compares by code point
    /// (as the SQL stores and model names do), never by canonical equivalence.
    public func matches(_ event: AuditEvent) -> Bool {
        func same(_ a: String?, _ b: String) -> Bool { a.map { $0.utf8.elementsEqual(b.utf8) } ?? false }
        func starts(_ text: String, _ prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }
        func under(_ subject: String) -> Bool { same(event.subject, subject) || starts(event.subject, subject + "/") }
        if let modelID, !same(event.modelID, modelID) {
            guard let legacySubject, event.modelID == nil, under(legacySubject) else { return false }
        }
        if let modelSubject, !under(modelSubject) { return false }
        if let versionNumber, !event.subject.utf8.reversed().starts(with: "/version/\(versionNumber)".utf8.reversed()) {
            return false
        }
        if let actor, !same(event.actor, actor) { return false }
        if let action, !same(event.action, action), !starts(event.action, action + ".") { return false }
        if let since, event.time < since { return false }
        if let until, event.time >= until { return false }
        return true
    }
}

/// Where a listing of transition requests resumes: after the request created at ``createdAt`` with ``id``, in the
/// listing's order (creation time, then id by code point, both descending).
public struct RequestCursor: Hashable, Sendable {
    public var createdAt: Date
    public var id: String

    public init(createdAt: Date, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor after `request`.
    public init(after request: TransitionRequest) { self.init(createdAt: request.createdAt, id: request.id) }

    /// Whether `request` comes after the cursor in the listing's order.
    public func precedes(_ request: TransitionRequest) -> Bool {
        let (a, b) = (Self.millis(request.createdAt), millis)
        return a < b || (a == b && request.id.utf8.lexicographicallyPrecedes(id.utf8))
    }

    var millis: Int64 { Self.millis(createdAt) }

    /// Milliseconds of a date, clamped to the range a token may carry (years 1970 to 9999).
    static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return value > 0 ? latest : 0 }
        return Int64(min(max(value, 0), Double(latest)))
    }

    /// 9999-12-31T23:59:59.999Z.
    static let latest: Int64 = 253_402_300_799_999

    /// The cursor as an opaque page token: `<milliseconds>.<id>`.
    public var token: String { "\(millis).\(id)" }

    /// Reads ``token``.
    /// - Throws: `.invalidArgument`.
    public init(token: String) throws(RegistryError) {
        let parts = token.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let millis = Int64(parts[0]), (0...Self.latest).contains(millis), !parts[1].isEmpty,
            parts[1].utf8.count <= 128
        else {
            throw .invalid("'\(token.prefix(80))' is not a page token of this listing; pass the previous page's token.")
        }
        self.init(createdAt: Date(timeIntervalSince1970: Double(millis) / 1000), id: parts[1])
    }
}

/// Governance queries of the metadata store: policies, transition requests, model cards and filtered events. Part
/// of ``MetadataReader``, so governance changes commit in the same transaction as their events.
public protocol GovernanceReader: Sendable {
    /// The policy of a model (`modelID`), or the registry-wide default (`nil`).
    func policy(modelID: String?) async throws -> StoredPolicy?
    /// The request with this id, with the model's current name.
    func transitionRequest(id: String) async throws -> TransitionRequest?
    /// Requests of a model (or of every model), optionally in one state, newest first (creation time, then id by
    /// code point, both descending), only those after `after` when given (``RequestCursor/precedes(_:)``), at most
    /// `limit`.
    func transitionRequests(
        modelID: String?,
        state: TransitionRequest.State?,
        after: RequestCursor?,
        limit: Int
    ) async throws -> [TransitionRequest]
    /// The card of a version.
    func modelCard(versionID: String) async throws -> StoredModelCard?
    /// Events matching `query` with a sequence above `afterSequence`, ascending, at most `limit`.
    func events(matching query: EventQuery, afterSequence: Int64, limit: Int) async throws -> [AuditEvent]
}

/// Governance writes, available inside ``MetadataStore/write(_:)``.
public protocol GovernanceTransaction: GovernanceReader {
    /// Sets (or replaces) the policy of `policy.modelID` (`nil`: the default).
    func setPolicy(_ policy: StoredPolicy) async throws
    /// Removes a policy; returns whether there was one.
    func deletePolicy(modelID: String?) async throws -> Bool
    /// Inserts a request. Throws `.alreadyExists` for a taken id, `.notFound` for an unknown model.
    func insertTransitionRequest(_ request: TransitionRequest) async throws
    /// Replaces a stored request (state, decisions, gate results, resolution, updated-at). Throws `.notFound`.
    func updateTransitionRequest(_ request: TransitionRequest) async throws
    /// Sets (or replaces) a version's card. Throws `.notFound` for an unknown version.
    func setModelCard(_ card: StoredModelCard) async throws
}

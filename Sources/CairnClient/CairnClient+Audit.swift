import CairnWire
import Foundation
import NIOHTTP1

/// Records: stage history, provenance and the tamper-evident audit log. Reading the whole log (``auditLog(_:after:limit:)``,
/// ``chainHead()``, ``verifyAuditLog(head:)``) needs read access to every model.
extension CairnClient {
    /// Filters for ``auditLog(_:after:limit:)``; the default matches every event.
    public struct AuditFilter: Sendable, Hashable {
        /// A model's current name (its events under earlier names included).
        public var model: String?
        /// A version number; needs ``model``.
        public var version: Int?
        /// Exactly this principal.
        public var actor: String?
        /// An action (`transition.approved`) or a family (`transition`).
        public var action: String?
        /// At or after this time.
        public var since: Date?
        /// Before this time.
        public var until: Date?

        /// Creates a filter.
        public init(
            model: String? = nil,
            version: Int? = nil,
            actor: String? = nil,
            action: String? = nil,
            since: Date? = nil,
            until: Date? = nil
        ) {
            self.model = model
            self.version = version
            self.actor = actor
            self.action = action
            self.since = since
            self.until = until
        }
    }

    /// `GET /api/v1/models/{name}/history`: which versions were in which stage at `time` (now when `nil`), replayed
    /// from the event log, with every stage change up to then.
    public func stageHistory(model: String, at time: Date? = nil) async throws -> StageHistoryDTO {
        try await send(
            .GET,
            APIPath("models", model, "history").query("at", time.map(WireJSON.formatTimestamp))
        )
    }

    /// `GET /api/v1/provenance?uri=…`: the lineage, card, transition requests (approvers, comments, gate evidence) and
    /// stage changes of the version a `models:/` URI names now.
    public func provenance(uri: String) async throws -> ProvenanceDTO {
        try await send(.GET, APIPath("provenance").query("uri", uri))
    }

    /// `GET /api/v1/audit/events`: one page of matching events, oldest first.
    /// - Parameters:
    ///   - after: Only events with a higher sequence: pass the previous page's `nextAfter`.
    ///   - limit: 1 to 1000 (the server's default is 100).
    public func auditLog(_ filter: AuditFilter = AuditFilter(), after: Int64? = nil, limit: Int? = nil) async throws
        -> AuditLogDTO
    {
        let path = APIPath("audit", "events")
            .query("model", filter.model)
            .query("version", filter.version.map(String.init))
            .query("actor", filter.actor)
            .query("action", filter.action)
            .query("since", filter.since.map(WireJSON.formatTimestamp))
            .query("until", filter.until.map(WireJSON.formatTimestamp))
            .query("after", after.map(String.init))
            .query("limit", limit.map(String.init))
        return try await send(.GET, path)
    }

    /// Every event matching `filter` (at most `limit` when given), oldest first, following `nextAfter` page by page.
    /// - Parameter body: Called with each page as it arrives, so a caller can print while paging.
    public func forEachAuditEvent(
        _ filter: AuditFilter = AuditFilter(),
        limit: Int? = nil,
        _ body: ([EventDTO]) throws -> Void
    ) async throws {
        var after: Int64?
        var remaining = limit ?? .max
        while remaining > 0 {
            let page = try await auditLog(filter, after: after, limit: min(1000, remaining))
            let events = Array(page.events.prefix(remaining))
            try body(events)
            remaining -= events.count
            guard let next = page.nextAfter, !events.isEmpty else { break }
            after = next
        }
    }

    /// `GET /api/v1/audit/head`: the newest entry of the event chain, to sign and publish elsewhere (see
    /// ``ExportedChainHead``). Throws `NOT_FOUND` while the log is empty.
    public func chainHead() async throws -> ChainHeadDTO {
        try await send(.GET, APIPath("audit", "head"))
    }

    /// `GET /api/v1/audit/verify`: has the server re-walk the event chain and report the first altered, deleted,
    /// inserted or reordered entry. With `head` (exported earlier), also a log truncated below it or rewritten since.
    public func verifyAuditLog(head: ChainHeadDTO? = nil) async throws -> AuditVerificationDTO {
        try await send(
            .GET,
            APIPath("audit", "verify")
                .query("head_sequence", head.map { String($0.sequence) })
                .query("head_hash", head?.hash)
        )
    }
}

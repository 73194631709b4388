import Foundation

/// A filter of the audit log by names, as a person asks it: the model by its current name (its history under
/// earlier names included), a version number, an actor, an action or action family, a time window.
public struct AuditLogQuery: Hashable, Sendable {
    public var modelName: String?
    /// Needs ``modelName``.
    public var versionNumber: Int?
    public var actor: String?
    /// An action (`transition.approved`) or a family (`transition`).
    public var action: String?
    public var since: Date?
    public var until: Date?

    public init(
        modelName: String? = nil,
        versionNumber: Int? = nil,
        actor: String? = nil,
        action: String? = nil,
        since: Date? = nil,
        until: Date? = nil
    ) {
        self.modelName = modelName
        self.versionNumber = versionNumber
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
    }
}

/// The result of re-walking the event chain.
public struct AuditVerification: Sendable {
    /// How many entries were found intact before the first break (all of them when there is none).
    public var checked: Int
    /// The newest intact entry as a head (`nil` for an empty log or a break at entry 1).
    public var head: ChainHead?
    /// The first break, or `nil` when the chain (and the exported head, when given) holds.
    public var broken: EventChain.Break?
}

/// One page of the audit log.
public struct AuditLogPage: Sendable {
    public var events: [AuditEvent]
    /// The `afterSequence` of the next page; `nil` on the last one.
    public var nextAfter: Int64?
}

extension GovernanceService {
    /// Events after `afterSequence` matching `query`, ascending, at most `limit` (1 to 1000), with the sequence to
    /// pass as `afterSequence` for the next page when more follow. A model that no longer exists is matched by the
    /// name in its events' subjects. Needs ``Action/read`` globally: the log spans every model.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.invalidArgument`.
    public func auditLog(_ query: AuditLogQuery, afterSequence: Int64, limit: Int, actor: Principal) async throws
        -> AuditLogPage
    {
        guard (1...1000).contains(limit), afterSequence >= 0 else {
            throw RegistryError.invalid("Use after >= 0 and a limit from 1 to 1000.")
        }
        if let name = query.modelName { try ModelName.validate(name) }
        if query.versionNumber != nil, query.modelName == nil {
            throw RegistryError.invalid("A version filter needs a model: give the model name too.")
        }
        if let since = query.since, let until = query.until, until <= since {
            throw RegistryError.invalid("The time window is empty: `until` must be after `since`.")
        }
        let permit = try await core.admit(.auditLog, actor, model: nil)
        let found = try await store.read(permit) { reader in
            var filter = EventQuery(
                versionNumber: query.versionNumber,
                actor: query.actor,
                action: query.action,
                since: query.since,
                until: query.until
            )
            if let name = query.modelName {
                if let model = try await reader.model(named: name) {
                    filter.modelID = model.id
                    filter.legacySubject = Subject.model(model.name)
                } else {
                    filter.modelSubject = Subject.model(name)
                }
            }
            return try await reader.events(matching: filter, afterSequence: afterSequence, limit: limit + 1)
        }
        let events = Array(found.prefix(limit))
        return AuditLogPage(events: events, nextAfter: found.count > limit ? events.last?.sequence : nil)
    }

    /// The newest entry of the log as a ``ChainHead``, to sign and publish; `nil` for an empty log. Needs
    /// ``Action/read`` globally.
    /// - Throws: `.permissionDenied`/`.unauthenticated`.
    public func chainHead(actor: Principal) async throws -> ChainHead? {
        let permit = try await core.admit(.chainHead, actor, model: nil)
        return try await store.read(permit) { try await $0.lastEvent() }.map {
            ChainHead(sequence: $0.sequence, hash: $0.hash, time: $0.time)
        }
    }

    /// Re-walks the whole event chain and reports the first altered, deleted, inserted or reordered entry. With
    /// `head` (a chain head exported earlier), also detects a log truncated below it or rewritten since (even with
    /// every hash recomputed). Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied`/`.unauthenticated`.
    public func verifyEventChain(against head: ChainHead? = nil, batchSize: Int = 5000, actor: Principal)
        async throws -> AuditVerification
    {
        let permit = try await core.admit(.verifyEventChain, actor, model: nil)
        var verifier = EventChain.Verifier(head: head)
        var after: Int64 = 0
        while true {
            let start = after
            let batch = try await store.read(permit) { try await $0.events(afterSequence: start, limit: batchSize) }
            for event in batch {
                if let broken = verifier.feed(event) { return verification(verifier, broken) }
            }
            guard let last = batch.last, batch.count == batchSize else { break }
            after = last.sequence
        }
        let broken = verifier.finish()
        return verification(verifier, broken)
    }

    private func verification(_ verifier: EventChain.Verifier, _ broken: EventChain.Break?) -> AuditVerification {
        AuditVerification(
            checked: verifier.checked,
            head: verifier.last.map { ChainHead(sequence: $0.sequence, hash: $0.hash, time: $0.time) },
            broken: broken
        )
    }

    /// Events after `sequence`, ascending, at most `limit` (1 to 1000). Needs ``Action/read`` globally: the log
    /// spans every model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument`.
    public func events(afterSequence sequence: Int64, limit: Int = 1000, actor: Principal) async throws
        -> [AuditEvent]
    {
        guard sequence >= 0, (1...1000).contains(limit) else {
            throw RegistryError(.invalidArgument, "Use after >= 0 and limit from 1 to 1000.")
        }
        let permit = try await core.admit(.events, actor, model: nil)
        return try await store.read(permit) { try await $0.events(afterSequence: sequence, limit: limit) }
    }

    /// The events matching `filter` after `afterSequence`, ascending, at most `limit` (1 to 1000): one page of a
    /// watch. Examines at most ``watchScanLimit`` events per call, so a narrow filter over a long log answers in
    /// bounded time; ``EventWatchPage/nextAfter`` then says where to go on. Needs ``Action/read`` on the filter's
    /// model, or globally without one, like every other read.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument`.
    public func watchEvents(_ filter: EventFilter, afterSequence: Int64, limit: Int, actor: Principal) async throws
        -> EventWatchPage
    {
        guard afterSequence >= 0, (1...1000).contains(limit) else {
            throw RegistryError(.invalidArgument, "Use after >= 0 and limit from 1 to 1000.")
        }
        try filter.validate()
        let permit = try await core.admit(.watchEvents, actor, model: filter.modelName)
        return try await store.read(permit) { reader in
            let modelID = try await filter.modelName.asyncMap { try await reader.model(named: $0)?.id } ?? nil
            var page = EventWatchPage(events: [], nextAfter: afterSequence)
            var examined = 0
            while examined < Self.watchScanLimit {
                let batch = try await reader.events(afterSequence: page.nextAfter, limit: 1000)
                for event in batch {
                    page.nextAfter = event.sequence
                    if filter.matches(event, modelID: modelID) {
                        page.events.append(event)
                        if page.events.count == limit { return page }
                    }
                }
                examined += batch.count
                if batch.count < 1000 { break }
            }
            return page
        }
    }

    /// The sequence of the last event committed, for a watcher that starts from now (`after=now`); authorized like
    /// ``watchEvents(_:afterSequence:limit:actor:)`` with the same filter.
    public func watchHead(_ filter: EventFilter, actor: Principal) async throws -> Int64 {
        try filter.validate()
        let permit = try await core.admit(.watchEvents, actor, model: filter.modelName)
        return try await store.read(permit) { try await $0.lastEvent()?.sequence ?? 0 }
    }

    /// The most events one ``watchEvents(_:afterSequence:limit:actor:)`` call examines.
    public static let watchScanLimit = 10_000
}

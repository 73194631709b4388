import Foundation

/// The checks a promotion passes: gates, four eyes, and the state a request must be in.
extension GovernanceService {
    /// Evaluates `gates` for `version` against its card and the current Production version (the highest-numbered
    /// other version in Production).
    func evaluateGates(_ reader: Reader, _ rule: TransitionRule, for version: ModelVersion) async throws
        -> [GateResult]
    {
        guard !rule.gates.isEmpty else { return [] }
        let card = try await reader.modelCard(versionID: version.id)?.card
        var candidate = version
        var production = try await reader.versions(
            modelID: version.modelID,
            stage: .production,
            beforeNumber: nil,
            limit: 2
        ).first { $0.number != version.number }
        if rule.metricsSource == .run {
            // The run's metrics as each version sealed them, never the live run: metrics logged to a run after the
            // version was sealed (by whoever controls the run) change no verdict.
            candidate.lineage.metrics = version.lineage.runMetrics ?? [:]
            if let found = production { production?.lineage.metrics = found.lineage.runMetrics ?? [:] }
        }
        return GateEvaluator.evaluate(rule.gates, candidate: candidate, card: card, production: production)
    }

    /// Records `transition.blocked` and returns the error naming the failing gates, or `nil` when all passed.
    func recordIfBlocked(
        _ tx: Transaction,
        _ results: [GateResult],
        _ version: ModelVersion,
        _ target: TransitionTarget,
        actor: Principal,
        at now: Date,
        request: String? = nil
    ) async throws -> RegistryError? {
        let failed = results.filter { !$0.passed }
        guard !failed.isEmpty else { return nil }
        try await record(
            tx,
            actor: actor,
            .transitionBlocked(.init(target: target.key, gates: results, request: request)),
            subject: Subject.version(version.modelName, version.number),
            modelID: version.modelID,
            at: now
        )
        let gates = failed.map(\.summary).joined(separator: "; ")
        return RegistryError(
            .failedPrecondition,
            "Version \(version.number) of '\(version.modelName)' cannot move to \(target): "
                + (failed.count == 1 ? "gate " : "\(failed.count) gates ") + gates + "."
        )
    }

    static func fourEyesRefusal(
        _ request: TransitionRequest,
        version: ModelVersion,
        contributors: Set<String>,
        approver: Principal
    ) -> String? {
        if approver.name == request.requestedBy {
            return
                "\(approver.name) requested this transition and may not approve it: another approver must (four eyes)."
        }
        if request.separationOfDuties, contributors.contains(approver.name) {
            return
                "\(approver.name) created, uploaded to or finalized version \(version.number) and may not approve its "
                + "promotion: the policy separates duties. Another approver must approve."
        }
        return nil
    }

    /// Who made the version what it is: its creator and whoever uploaded its files, finalized or registered it.
    func contributors(_ reader: Reader, _ version: ModelVersion) async throws -> Set<String> {
        let made = Set(
            [EventAction.versionCreated, .versionFileUploaded, .versionFinalized, .versionRegistered].map(\.rawValue)
        )
        var names: Set<String> = [version.createdBy]
        var after: Int64 = 0
        while true {
            let page = try await reader.events(
                matching: EventQuery(
                    modelID: version.modelID,
                    legacySubject: Subject.model(version.modelName),
                    versionNumber: version.number,
                    action: "version"
                ),
                afterSequence: after,
                limit: 1000
            )
            for event in page where made.contains(event.action) { names.insert(event.actor) }
            guard page.count == 1000, let last = page.last else { return names }
            after = last.sequence
        }
    }

    /// The request with this id, looked up for `useCase` (``ServiceCore/admitLookup(_:_:)``); one the actor may not
    /// read is reported as not found.
    func readableRequest(_ id: String, for useCase: UseCase, actor: Principal) async throws -> TransitionRequest {
        let lookup = try core.admitLookup(useCase, actor)
        let request = try await store.read(lookup) { try await $0.transitionRequest(id: id) }
        let notFound = RegistryError(.notFound, "No transition request has id '\(id.prefix(80))'.")
        try core.requireReadable(actor, model: request?.modelName, notFound: notFound)
        guard let request else { throw notFound }
        return request
    }

    func pendingRequest(_ tx: Transaction, _ id: String, toBe done: String) async throws
        -> TransitionRequest
    {
        guard let request = try await tx.transitionRequest(id: id) else {
            throw RegistryError(.notFound, "No transition request has id '\(id.prefix(80))'.")
        }
        guard request.state == .pending else {
            let by = request.resolvedBy.map { " by \($0)" } ?? ""
            throw RegistryError(
                .failedPrecondition,
                "Request \(id) is already \(request.state.rawValue)\(by); only pending requests can be \(done)."
            )
        }
        return request
    }

    func validateComment(_ comment: String) throws(RegistryError) {
        guard comment.utf8.count <= 4096 else {
            throw .invalid("The comment is \(comment.utf8.count) bytes; the limit is 4096.")
        }
        guard !comment.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .invalid("The comment contains a NUL byte.")
        }
    }
}

/// The result of a governed write: done, or refused with an error whose refusal event the transaction committed.
enum GovernedStep<T: Sendable>: Sendable {
    case done(T)
    case refused(RegistryError)

    func get() throws(RegistryError) -> T {
        switch self {
        case .done(let value): return value
        case .refused(let error): throw error
        }
    }
}

import Foundation

extension GovernanceService {
    /// Moves a `READY` version into a stage or points an alias at it — the one entry to every promotion.
    ///
    /// Without a policy rule for the target, the move is immediate (as in MLflow). With one, the rule's gates are
    /// evaluated first: a failing gate refuses the move (`.failedPrecondition` naming the gate; the refusal is
    /// recorded as `transition.blocked`). Otherwise a request is created (superseding older pending requests for
    /// the same model and target), and applied at once when the rule needs no approvals.
    ///
    /// Needs ``Action/write`` on the model; refusals are recorded as `access.denied`.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.invalidArgument`, `.failedPrecondition`
    ///   (version not `READY`, already in the guarded target, a gate failed).
    public func requestTransition(
        modelName: String,
        number: Int,
        to target: TransitionTarget,
        archiveExisting: Bool,
        comment: String,
        actor: Principal
    ) async throws -> TransitionOutcome {
        try await requestTransition(
            modelName: modelName,
            number: number,
            to: target,
            archiveExisting: archiveExisting,
            comment: comment,
            admittedAs: .requestTransition,
            actor: actor
        )
    }

    /// ``requestTransition(modelName:number:to:archiveExisting:comment:actor:)`` for the use cases built on it
    /// (``Action/write`` on the model, refusals recorded).
    func requestTransition(
        modelName: String,
        number: Int,
        to target: TransitionTarget,
        archiveExisting: Bool,
        comment: String,
        admittedAs useCase: UseCase,
        actor: Principal
    ) async throws -> TransitionOutcome {
        try ModelName.validate(modelName)
        if case .alias(let alias) = target { try AliasName.validate(alias) }
        try validateComment(comment)
        let attempted = "move version \(number) of '\(modelName)' to \(target)"
        let permit = try await core.admit(useCase, actor, model: modelName, attempted: attempted)
        let now = clock.now()
        let step: GovernedStep<TransitionOutcome> = try await store.write(permit) { tx in
            let version = try await tx.requireVersion(modelName, number)
            try Self.requireReady(version, for: target)
            let policy = try await core.effectivePolicy(tx, modelID: version.modelID)
            guard let rule = policy.rule(for: target) else {
                // Leaving a guarded stage for an unguarded one takes the version out of what the policy protects
                // (serving may follow it): an admin's call, as deleting a protected alias is.
                if case .stage(let stage) = target, stage != version.stage,
                    policy.rule(for: .stage(version.stage)) != nil,
                    case .denied(let reason) = Authorization.decide(actor, .administer, model: modelName)
                {
                    let why =
                        "Version \(number) of '\(modelName)' is in \(version.stage.rawValue), which its policy guards: "
                        + "moving it to \(stage.rawValue) needs the admin role. " + reason
                    try await recordDenial(
                        tx,
                        actor: actor,
                        action: .administer,
                        subject: Subject.version(version.modelName, version.number),
                        modelID: version.modelID,
                        attempted: attempted,
                        reason: why,
                        at: now
                    )
                    return .refused(Authorization.refusal(actor, .administer, model: modelName, reason: why))
                }
                let applied = try await applyTransition(
                    tx,
                    version,
                    to: target,
                    archiveExisting: archiveExisting,
                    request: nil,
                    actor: actor,
                    at: now
                )
                return .done(TransitionOutcome(version: applied, request: nil, applied: true))
            }
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: version.modelID,
                modelName: modelName,
                doing: "requesting transitions of"
            )
            if try await Self.isAlreadyAt(tx, version, target) {
                throw RegistryError(
                    .failedPrecondition,
                    "Version \(number) of '\(modelName)' is already at \(target); there is nothing to request."
                )
            }
            // Asking again for the same move (a retried call) returns the pending request with its approvals.
            var pending = try await tx.transitionRequests(
                modelID: version.modelID,
                state: .pending,
                after: nil,
                limit: 1000
            )
            if let same = pending.first(where: { $0.target == target && $0.versionID == version.id }) {
                return .done(TransitionOutcome(version: version, request: same, applied: false))
            }
            let results = try await evaluateGates(tx, rule, for: version)
            if let blocked = try await recordIfBlocked(tx, results, version, target, actor: actor, at: now) {
                return .refused(blocked)
            }
            let id = ids.next()
            // Superseded requests leave the pending set, so a further round (past the first 1,000) reads it afresh.
            var superseded: [String] = []
            while true {
                let same = pending.filter { $0.target == target }
                for var old in same {
                    old.state = .superseded
                    old.resolvedBy = actor.name
                    old.resolution = "superseded by request \(id)"
                    old.updatedAt = now
                    try await tx.updateTransitionRequest(old)
                    superseded.append(old.id)
                }
                if same.isEmpty || pending.count < 1000 { break }
                pending = try await tx.transitionRequests(
                    modelID: version.modelID,
                    state: .pending,
                    after: nil,
                    limit: 1000
                )
            }
            var request = TransitionRequest(
                id: id,
                modelID: version.modelID,
                modelName: version.modelName,
                versionID: version.id,
                versionNumber: version.number,
                target: target,
                archiveExisting: archiveExisting || rule.archiveExisting,
                requestedBy: actor.name,
                comment: comment,
                requiredApprovals: rule.approvals,
                separationOfDuties: rule.separationOfDuties,
                gateResults: results,
                rule: Policy.ruleDocument(rule).canonicalJSON,
                createdAt: now,
                updatedAt: now
            )
            try await tx.insertTransitionRequest(request)
            try await record(
                tx,
                actor: actor,
                .transitionRequested(
                    .init(
                        request: id,
                        target: target.key,
                        requiredApprovals: rule.approvals,
                        archiveExisting: request.archiveExisting,
                        comment: comment,
                        gates: results,
                        superseded: superseded
                    )
                ),
                subject: Subject.version(modelName, number),
                modelID: version.modelID,
                at: now
            )
            guard rule.approvals == 0 else {
                return .done(TransitionOutcome(version: version, request: request, applied: false))
            }
            request.state = .approved
            request.resolvedBy = actor.name
            request.resolution = "applied: the policy needs no approvals"
            try await tx.updateTransitionRequest(request)
            return .done(try await apply(tx, request, to: version, actor: actor, at: now))
        }
        return try step.get()
    }

    /// Moves a `READY` version into `stage` — MLflow's transition call. With `archiveExisting`, every other version
    /// currently in the target stage (Staging or Production) moves to Archived in the same transaction (MLflow's
    /// `archive_existing_versions`). Archived versions keep their files and stay resolvable by number.
    ///
    /// This is ``requestTransition(modelName:number:to:archiveExisting:comment:actor:)`` for callers that expect
    /// the move to happen: when a policy guards the stage, the request is created and this throws
    /// `.approvalRequired` naming it, instead of silently transitioning. Needs ``Action/write`` on the model.
    /// - Throws: `.approvalRequired`, `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`,
    ///   `.failedPrecondition` (version not `READY`, a gate failed).
    public func transitionStage(
        modelName: String,
        number: Int,
        to stage: Stage,
        archiveExisting: Bool,
        actor: Principal
    ) async throws -> ModelVersion {
        let outcome = try await requestTransition(
            modelName: modelName,
            number: number,
            to: .stage(stage),
            archiveExisting: archiveExisting,
            comment: "",
            admittedAs: .transitionStage,
            actor: actor
        )
        guard outcome.applied else { throw Self.approvalRequired(outcome.request!) }
        return outcome.version
    }

    /// Approves a pending request. When it is the last approval needed, the gates are evaluated again (Production
    /// may have moved since the request) and the transition is applied in the same transaction — so two approvals
    /// landing at once apply it exactly once, and a late one finds the request already approved.
    ///
    /// Needs ``Action/approve`` on the model. The requester may never approve; with separation of duties, neither may
    /// the version's creator. Refusals are recorded as `access.denied`; a gate failing at the final approval is
    /// recorded as `transition.blocked` and leaves the request pending with its earlier approvals.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.failedPrecondition` (not pending, already
    ///   approved by this approver, version gone, a gate failed).
    public func approveTransition(requestID: String, comment: String, actor: Principal) async throws
        -> TransitionOutcome
    {
        try validateComment(comment)
        let found = try await readableRequest(requestID, for: .approveTransition, actor: actor)
        let permit = try await core.admit(
            .approveTransition,
            actor,
            model: found.modelName,
            attempted: "approve transition request \(requestID)"
        )
        let now = clock.now()
        let step: GovernedStep<TransitionOutcome> = try await store.write(permit) { tx in
            var request = try await pendingRequest(tx, requestID, toBe: "approved")
            guard let version = try await tx.version(id: request.versionID) else {
                throw RegistryError(
                    .failedPrecondition,
                    "Version \(request.versionNumber) of '\(request.modelName)' was deleted; cancel request \(requestID)."
                )
            }
            let contributors = try await contributors(tx, version)
            if let refusal = Self.fourEyesRefusal(
                request,
                version: version,
                contributors: contributors,
                approver: actor
            ) {
                try await recordDenial(
                    tx,
                    actor: actor,
                    action: .approve,
                    subject: Subject.version(version.modelName, version.number),
                    modelID: version.modelID,
                    attempted: "approve request \(requestID)",
                    reason: refusal,
                    at: now
                )
                return .refused(RegistryError(.permissionDenied, refusal))
            }
            guard !request.decisions.contains(where: { $0.approver == actor.name }) else {
                throw RegistryError(
                    .failedPrecondition,
                    "\(actor.name) has already decided on request \(requestID); another approver must add the next approval."
                )
            }
            request.decisions.append(
                ApprovalDecision(approver: actor.name, verdict: .approve, comment: comment, time: now)
            )
            request.updatedAt = now
            let complete = request.approvals.count >= request.requiredApprovals
            if complete {
                let rule = try Policy.rule(document: request.rule, target: request.target)
                let results = try await evaluateGates(tx, rule, for: version)
                if let blocked = try await recordIfBlocked(
                    tx,
                    results,
                    version,
                    request.target,
                    actor: actor,
                    at: now,
                    request: requestID
                ) {
                    return .refused(blocked)
                }
                request.gateResults = results
                request.state = .approved
                request.resolvedBy = actor.name
                request.resolution = "applied after \(request.approvals.count) approval(s)"
            }
            try await tx.updateTransitionRequest(request)
            try await record(
                tx,
                actor: actor,
                .transitionApproved(
                    .init(
                        request: requestID,
                        target: request.target.key,
                        comment: comment,
                        approvals: request.approvals.count,
                        requiredApprovals: request.requiredApprovals,
                        applied: complete,
                        gates: complete ? request.gateResults : []
                    )
                ),
                subject: Subject.version(version.modelName, version.number),
                modelID: version.modelID,
                at: now
            )
            guard complete else { return .done(TransitionOutcome(version: version, request: request, applied: false)) }
            return .done(try await apply(tx, request, to: version, actor: actor, at: now))
        }
        return try step.get()
    }

    /// Rejects a pending request with a comment saying why. Needs ``Action/approve`` on the model; the requester
    /// cancels instead.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.invalidArgument` (no comment),
    ///   `.failedPrecondition` (not pending).
    public func rejectTransition(requestID: String, comment: String, actor: Principal) async throws
        -> TransitionRequest
    {
        try validateComment(comment)
        guard !comment.allSatisfy(\.isWhitespace) else {
            throw RegistryError.invalid("Say why the request is rejected: give a comment.")
        }
        let found = try await readableRequest(requestID, for: .rejectTransition, actor: actor)
        let permit = try await core.admit(
            .rejectTransition,
            actor,
            model: found.modelName,
            attempted: "reject transition request \(requestID)"
        )
        let now = clock.now()
        return try await store.write(permit) { tx in
            var request = try await pendingRequest(tx, requestID, toBe: "rejected")
            guard request.requestedBy != actor.name else {
                throw RegistryError(
                    .failedPrecondition,
                    "\(actor.name) made request \(requestID); cancel it (`cairn requests cancel`) instead of rejecting it."
                )
            }
            request.decisions.append(
                ApprovalDecision(approver: actor.name, verdict: .reject, comment: comment, time: now)
            )
            return try await close(
                tx,
                request,
                as: .rejected,
                RegistryEvent.transitionRejected,
                by: actor,
                comment: comment,
                at: now
            )
        }
    }

    /// Withdraws a pending request. Needs ``Action/write`` on the model and to be its requester, or
    /// ``Action/administer``.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.failedPrecondition` (not pending).
    public func cancelTransition(requestID: String, comment: String, actor: Principal) async throws
        -> TransitionRequest
    {
        try validateComment(comment)
        let found = try await readableRequest(requestID, for: .cancelTransition, actor: actor)
        let attempted = "cancel transition request \(requestID)"
        let permit = try await core.admit(.cancelTransition, actor, request: found, attempted: attempted)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let request = try await pendingRequest(tx, requestID, toBe: "cancelled")
            return try await close(
                tx,
                request,
                as: .cancelled,
                RegistryEvent.transitionCancelled,
                by: actor,
                comment: comment,
                at: now
            )
        }
    }

    /// Ends a pending request as rejected or cancelled, recording `transition.<state>`.
    private func close(
        _ tx: Transaction,
        _ request: TransitionRequest,
        as state: TransitionRequest.State,
        _ event: (RegistryEvent.TransitionClosed) -> RegistryEvent,
        by actor: Principal,
        comment: String,
        at now: Date
    ) async throws -> TransitionRequest {
        var request = request
        request.state = state
        request.resolvedBy = actor.name
        request.resolution = comment
        request.updatedAt = now
        try await tx.updateTransitionRequest(request)
        try await record(
            tx,
            actor: actor,
            event(RegistryEvent.TransitionClosed(request: request.id, target: request.target.key, comment: comment)),
            subject: Subject.version(request.modelName, request.versionNumber),
            modelID: request.modelID,
            at: now
        )
        return request
    }

    /// One request. Needs ``Action/read`` on its model; a request the actor may not read is reported as not found.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`.
    public func transitionRequest(id: String, actor: Principal) async throws -> TransitionRequest {
        try await readableRequest(id, for: .transitionRequest, actor: actor)
    }

    /// Requests of one model (or, with `modelName` `nil`, of every model), newest first, optionally in one state,
    /// resuming after `after` (the previous page's last request), with the cursor of the next page when more follow.
    /// Needs ``Action/read`` on the model (globally without one).
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound` (model), `.invalidArgument` (limit).
    public func transitionRequests(
        modelName: String?,
        state: TransitionRequest.State?,
        after: RequestCursor?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<TransitionRequest> {
        if let modelName { try ModelName.validate(modelName) }
        guard (1...1000).contains(limit) else { throw RegistryError.invalid("Use a limit from 1 to 1000.") }
        let permit = try await core.admit(.transitionRequests, actor, model: modelName)
        // One more than the page, to know whether another follows (no empty last page).
        let found = try await store.read(permit) { reader in
            let modelID = try await modelName.asyncMap { try await reader.requireModel($0).id }
            return try await reader.transitionRequests(modelID: modelID, state: state, after: after, limit: limit + 1)
        }
        let items = Array(found.prefix(limit))
        let next = found.count > limit ? items.last.map { RequestCursor(after: $0).token } : nil
        return Page(items: items, nextPageToken: next)
    }
}

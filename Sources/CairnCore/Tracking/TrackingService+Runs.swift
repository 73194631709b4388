import Foundation

extension TrackingService {
    /// Starts a run (status `RUNNING`) in an active experiment.
    ///
    /// The id is 32 hex digits and the artifact URI `mlflow-artifacts:/<experiment>/<run>/artifacts`. The name is
    /// `name`, else the `mlflow.runName` tag, else a generated `adjective-noun-NNN`; the tag `mlflow.runName` is set to
    /// it. `startTime` (Unix ms) defaults to now. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (experiment), `.failedPrecondition` (deleted experiment),
    ///   `.invalidArgument` (tags, a name that contradicts the `mlflow.runName` tag).
    public func createRun(
        experimentID: String,
        name: String?,
        userID: String,
        startTime: Int64?,
        tags: [String: String],
        actor: Principal
    ) async throws -> Run {
        try TrackingRules.validateTags(tags)
        let permit = try await core.admit(.createRun, actor, model: nil)
        let given = name.flatMap { $0.isEmpty ? nil : $0 }
        if let given, let tagged = tags[Self.runNameTag], tagged != given {
            throw RegistryError.invalid(
                "The run name '\(given)' and the tag \(Self.runNameTag)='\(tagged)' differ; send one of them, or both "
                    + "with the same value."
            )
        }
        let id = TrackingIDs.hex32(ids.next())
        let runName = given ?? tags[Self.runNameTag].flatMap { $0.isEmpty ? nil : $0 } ?? TrackingIDs.runName(for: id)
        try TrackingRules.validateTagValue(runName, key: Self.runNameTag)
        let now = clock.now()
        var allTags = tags
        allTags[Self.runNameTag] = runName
        let run = Run(
            id: id,
            experimentID: experimentID,
            name: runName,
            userID: userID,
            status: .running,
            startTime: startTime ?? TrackingTime.millis(now),
            artifactURI: "mlflow-artifacts:/\(experimentID)/\(id)/artifacts",
            tags: allTags
        )
        return try await store.write(permit) { tx in
            _ = try await requireActiveExperiment(tx, experimentID, doing: "create runs in")
            try await tx.insertRun(run)
            try await record(
                tx,
                actor: actor,
                .runCreated(.init(experimentID: experimentID, name: runName, userID: userID)),
                subject: Self.runSubject(id),
                at: now
            )
            return run
        }
    }

    /// A run with its params, tags, latest metric per key, inputs and outputs; active or deleted. Needs
    /// ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func run(id: String, actor: Principal) async throws -> Run {
        let permit = try await core.admit(.run, actor, model: nil)
        return try await store.read(permit) { try await requireRun($0, id) }
    }

    /// Changes an active run's status, end time (Unix ms) and/or name (which also sets the `mlflow.runName` tag).
    /// `nil` (or an empty name) leaves a field unchanged. Records `run.updated` only when something changed. Needs
    /// ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.failedPrecondition` (deleted run), `.invalidArgument`
    ///   (name).
    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, name: String?, actor: Principal) async throws
        -> Run
    {
        let newName = name.flatMap { $0.isEmpty ? nil : $0 }
        if let newName { try TrackingRules.validateTagValue(newName, key: Self.runNameTag) }
        let permit = try await core.admit(.updateRun, actor, model: nil)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let before = try await requireActiveRun(tx, id, doing: "update")
            var run = before
            var changes = RegistryEvent.RunUpdated()
            if let status, status != run.status {
                run.status = status
                changes.status = status
            }
            if let endTime, endTime != run.endTime {
                run.endTime = endTime
                changes.endTime = endTime
            }
            if let newName, newName != run.name || run.tags[Self.runNameTag] != newName {
                run.name = newName
                run.tags[Self.runNameTag] = newName
                changes.name = newName
                try await tx.putRunTags(runID: id, tags: [Self.runNameTag: newName])
            }
            if changes.isEmpty { return before }
            try await tx.updateRun(run)
            try await record(
                tx,
                actor: actor,
                .runUpdated(changes),
                subject: Self.runSubject(id),
                at: now
            )
            return run
        }
    }

    /// Soft-deletes a run (restorable). Idempotent. Needs ``Action/write`` globally (a soft delete is an edit).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func deleteRun(id: String, actor: Principal) async throws {
        try await setRunStage(.deleteRun, id: id, to: .deleted, recording: RegistryEvent.runDeleted, actor: actor)
    }

    /// Makes a deleted run active again. Idempotent. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func restoreRun(id: String, actor: Principal) async throws {
        try await setRunStage(.restoreRun, id: id, to: .active, recording: RegistryEvent.runRestored, actor: actor)
    }

    /// Logs metrics, params and tags to an active run, all or nothing.
    ///
    /// Metric points are appended to their history (NaN and ±infinity allowed) while the run has not ended. A param may be logged again with the
    /// same value but never changed. Tags are set (overwritten); `mlflow.runName` also renames the run. Not recorded in
    /// the event log (telemetry; see decision 0005). Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (a changed param, a key, a value, more than 1,000 metrics, 100 params or 100 tags),
    ///   `.notFound`, `.failedPrecondition` (deleted run).
    public func logBatch(
        runID: String,
        metrics: [MetricPoint],
        params: [String: String],
        tags: [String: String],
        actor: Principal
    ) async throws {
        try TrackingRules.validateBatch(metrics: metrics, params: params, tags: tags)
        let permit = try await core.admit(.logBatch, actor, model: nil)
        let points = metrics.map { point in
            var point = point
            point.runID = runID
            return point
        }
        try await store.write(permit) { tx in
            var run = try await requireActiveRun(tx, runID, doing: "log to")
            // A finished run is evidence (versions seal its metrics, gates read them): new points need it resumed.
            if !points.isEmpty, run.status.isTerminal {
                throw RegistryError.invalid(
                    "Run \(runID) is \(run.status.rawValue), so it takes no more metrics. Resume it first "
                        + "(`mlflow.start_run(run_id=...)` sets it RUNNING again), or log to a new run."
                )
            }
            for (key, value) in params.sorted(by: { $0.key < $1.key }) {
                if let logged = run.params[key], logged != value {
                    throw RegistryError.invalid(
                        "Changing param values is not allowed. Param with key='\(key)' was already logged with "
                            + "value='\(logged)' for run ID='\(runID)'. Attempted logging new value '\(value)'."
                    )
                }
            }
            if !params.isEmpty { try await tx.putRunParams(runID: runID, params: params) }
            if !tags.isEmpty { try await tx.putRunTags(runID: runID, tags: tags) }
            if let newName = tags[Self.runNameTag], !newName.isEmpty, newName != run.name {
                run.name = newName
                try await tx.updateRun(run)
            }
            if !points.isEmpty { try await tx.appendMetrics(runID: runID, points: points) }
        }
    }

    /// Records the datasets and logged models (`models`, by id; each must exist) an active run used. Logging the same
    /// dataset (name and digest) or model twice keeps one. Not recorded in the event log. Needs ``Action/write``
    /// globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (an empty name or digest, a
    ///   bad tag), `.notFound` (run or model), `.failedPrecondition`.
    public func logInputs(runID: String, inputs: [RunInput], models: [String] = [], actor: Principal) async throws {
        try TrackingRules.validateInputs(inputs)
        let permit = try await core.admit(.logInputs, actor, model: nil)
        if inputs.isEmpty && models.isEmpty { return }
        try await store.write(permit) { tx in
            _ = try await requireActiveRun(tx, runID, doing: "log inputs to")
            for model in models where try await tx.loggedModel(id: model) == nil {
                throw Self.loggedModelNotFound(model)
            }
            if !inputs.isEmpty { try await tx.addRunInputs(runID: runID, inputs: inputs) }
            if !models.isEmpty { try await tx.addRunModelInputs(runID: runID, modelIDs: models) }
        }
    }

    /// Records logged models an active run produced. Each model must exist. Not recorded in the event log. Needs
    /// ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (run or model), `.failedPrecondition` (deleted run).
    public func logOutputs(runID: String, outputs: [RunOutput], actor: Principal) async throws {
        let permit = try await core.admit(.logOutputs, actor, model: nil)
        if outputs.isEmpty { return }
        try await store.write(permit) { tx in
            _ = try await requireActiveRun(tx, runID, doing: "log outputs to")
            for output in outputs where try await tx.loggedModel(id: output.modelID) == nil {
                throw Self.loggedModelNotFound(output.modelID)
            }
            try await tx.addRunOutputs(runID: runID, outputs: outputs)
        }
    }

    /// Deletes one tag of an active run. Not recorded in the event log. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (run or tag), `.failedPrecondition` (deleted run).
    public func deleteRunTag(runID: String, key: String, actor: Principal) async throws {
        let permit = try await core.admit(.deleteRunTag, actor, model: nil)
        try await store.write(permit) { tx in
            _ = try await requireActiveRun(tx, runID, doing: "delete tags of")
            guard try await tx.deleteRunTag(runID: runID, key: key) else {
                throw RegistryError(.notFound, "No tag with name '\(key)' in run with id \(runID).")
            }
        }
    }

    /// Runs of `experimentIDs` in `stages` (all when empty) matching every clause, sorted by `order`, then by start
    /// time descending and run id; a page of at most `limit` at a time. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (a clause, an order key, the token, a limit
    ///   outside 1…50,000).
    public func searchRuns(
        experimentIDs: [String],
        stages: Set<LifecycleStage>,
        clauses: [SearchClause],
        order: [SearchOrder],
        pageToken: String?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<Run> {
        let permit = try await core.admit(.searchRuns, actor, model: nil)
        try TrackingRules.validateSearchLimit(limit)
        let fullOrder = TrackingSearch.runOrder(order)
        try TrackingSearch.validate(clauses, orderedBy: fullOrder, for: Run.self)
        let cursor = try TrackingSearch.cursor(pageToken, orderedBy: fullOrder)
        func batch(after position: RunPosition?, _ size: Int) async throws -> [Run] {
            try await store.read(permit) {
                try await $0.runs(experimentIDs: experimentIDs, in: stages, after: position, limit: size)
            }
        }
        guard order.isEmpty else {
            // An order by metrics, params or tags sorts in the core over every run (issue 16 moves it into SQL); the
            // cursor still makes the pages keyset pages.
            var all: [Run] = []
            var position: RunPosition?
            while true {
                let page = try await batch(after: position, Self.runBatchSize)
                all += page
                guard page.count == Self.runBatchSize, let last = page.last else { break }
                position = RunPosition(last)
            }
            let sorted = try TrackingSearch.runs(all, matching: clauses, orderedBy: order)
            return TrackingSearch.page(sorted, orderedBy: fullOrder, after: cursor, limit: limit)
        }
        // The default order is the store's: read keyset batches after the cursor until the page (and one more match,
        // to know whether another page follows) is found, so a page costs what it returns, not the experiments.
        var position = cursor.map { cursor in
            let start: Int64? =
                if case .number(let value)? = cursor.values.first { Int64(exactly: value) } else { nil }
            return RunPosition(startTime: start, id: cursor.tie)
        }
        var matched: [Run] = []
        let size = min(max(limit + 1, 100), Self.runBatchSize)
        while matched.count <= limit {
            let page = try await batch(after: position, size)
            matched += page.filter { run in clauses.allSatisfy { TrackingSearch.evaluate($0, on: run) } }
            guard page.count == size, let last = page.last else { break }
            position = RunPosition(last)
        }
        let items = Array(matched.prefix(limit))
        let next = matched.count > limit ? items.last.map { SearchCursor($0, order: fullOrder).token } : nil
        return Page(items: items, nextPageToken: next)
    }

    /// Runs read per store query by a search.
    static let runBatchSize = 1000

    /// Every logged point of one metric of a run, by step then timestamp, at most `limit`. Needs ``Action/read``
    /// globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (run), `.invalidArgument` (limit below 1).
    public func metricHistory(runID: String, key: String, pageToken: String? = nil, limit: Int, actor: Principal)
        async throws -> Page<MetricPoint>
    {
        let permit = try await core.admit(.metricHistory, actor, model: nil)
        guard limit >= 1 else { throw RegistryError.invalid("max_results must be at least 1; got \(limit).") }
        let offset = try pageToken.map(Self.metricHistoryOffset) ?? 0
        return try await store.read(permit) { reader in
            _ = try await requireRun(reader, runID)
            var points = try await reader.metricHistory(runID: runID, key: key, offset: offset, limit: limit + 1)
            guard points.count > limit else { return Page(items: points, nextPageToken: nil) }
            points.removeLast()
            return Page(items: points, nextPageToken: PageToken.encode("metric-history:\(offset + limit)"))
        }
    }

    /// The position a metric-history page token stands for.
    static func metricHistoryOffset(_ token: String) throws(RegistryError) -> Int {
        let key = try PageToken.decode(token)
        guard key.hasPrefix("metric-history:"), let offset = Int(key.dropFirst("metric-history:".count)), offset >= 0
        else {
            throw .invalid("The page token is not a metric-history token. Pass back the next_page_token unchanged.")
        }
        return offset
    }

    // MARK: Helpers

    /// The tag MLflow keeps in step with the run name.
    static let runNameTag = "mlflow.runName"

    static func runSubject(_ id: String) -> String { "run/\(id)" }

    func requireRun(_ reader: Reader, _ id: String) async throws -> Run {
        guard let run = try await reader.run(id: id) else {
            throw RegistryError(.notFound, "Run with id=\(id) not found. Check the run id (32 hex digits).")
        }
        return run
    }

    func requireActiveRun(_ reader: Reader, _ id: String, doing verb: String) async throws -> Run {
        let run = try await requireRun(reader, id)
        guard run.lifecycleStage == .active else {
            throw RegistryError(
                .failedPrecondition,
                "Cannot \(verb) run \(id): the run is deleted (it must be active). Restore it first."
            )
        }
        return run
    }

    private func setRunStage(
        _ useCase: UseCase,
        id: String,
        to stage: LifecycleStage,
        recording event: @escaping @Sendable (RegistryEvent.RunLifecycle) -> RegistryEvent,
        actor: Principal
    ) async throws {
        let permit = try await core.admit(useCase, actor, model: nil)
        let now = clock.now()
        try await store.write(permit) { tx in
            var run = try await requireRun(tx, id)
            if run.lifecycleStage == stage { return }
            run.lifecycleStage = stage
            try await tx.updateRun(run)
            try await record(
                tx,
                actor: actor,
                event(.init(experimentID: run.experimentID)),
                subject: Self.runSubject(id),
                at: now
            )
        }
    }
}

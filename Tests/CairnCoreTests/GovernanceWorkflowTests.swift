import CairnCore
import CairnTesting
import Foundation
import Testing

/// The promotion workflow end to end in the core: policies, requests, four eyes, gates against Production,
/// supersession, concurrency, rollback, history and provenance.
@Suite("Governance workflow")
struct GovernanceWorkflowTests {
    static let ed = Principal.testUser("ed", Grant(.editor))
    static let eve = Principal.testUser("eve", Grant(.editor))
    static let abe = Principal.testUser("abe", Grant(.approver))
    static let amy = Principal.testUser("amy", Grant(.approver))
    /// Approvers who also edit: may create versions, request, and approve others' requests.
    static let max = Principal.testUser("max", Grant(.approver), Grant(.editor))
    static let ian = Principal.testUser("ian", Grant(.approver), Grant(.editor))

    struct World {
        let service: RegistryService
        let store: InMemoryMetadataStore
        let clock: ManualClock

        static func make() async throws -> World {
            let clock = ManualClock()
            let store = InMemoryMetadataStore()
            let service = makeService(store: store, clock: clock)
            _ = try await service.catalog.createModel(name: "fraud", actor: alice)
            return World(service: service, store: store, clock: clock)
        }

        @discardableResult
        func publish(_ metrics: [String: Double], by actor: Principal = ed) async throws -> ModelVersion {
            clock.advance(by: 1)
            return try await service.publishVersion(
                modelName: "fraud",
                files: ["model.bin": bytes("weights \(metrics)")],
                NewVersion(lineage: VersionLineage(metrics: metrics)),
                actor: actor
            )
        }

        func setPolicy(_ json: String, model: String? = "fraud") async throws {
            _ = try await service.governance.setPolicy(
                modelName: model,
                policy: try Policy(document: bytes(json)),
                actor: alice
            )
        }

        func request(_ number: Int, _ target: TransitionTarget = .stage(.production), by actor: Principal = ed)
            async throws -> TransitionOutcome
        {
            clock.advance(by: 1)
            return try await service.governance.requestTransition(
                modelName: "fraud",
                number: number,
                to: target,
                archiveExisting: false,
                comment: "please",
                actor: actor
            )
        }

        func approve(_ id: String, by actor: Principal) async throws -> TransitionOutcome {
            clock.advance(by: 1)
            return try await service.governance.approveTransition(requestID: id, comment: "lgtm", actor: actor)
        }

        func stage(_ number: Int) async throws -> Stage {
            try await service.catalog.version(modelName: "fraud", number: number, actor: alice).stage
        }

        func events() async throws -> [AuditEvent] { try await service.allEvents() }

        /// A running run (in an experiment of its own) with `auc` logged, by ed.
        func run(auc: Double) async throws -> Run {
            let experiment = try await service.tracking.createExperiment(name: "exp-\(UUID())", tags: [:], actor: ed)
            let run = try await service.tracking.createRun(
                experimentID: experiment.id,
                name: "r",
                userID: "ed",
                startTime: 1,
                tags: [:],
                actor: ed
            )
            let point = MetricPoint(key: "auc", value: auc, timestamp: 1, step: 0)
            try await service.tracking.logBatch(runID: run.id, metrics: [point], params: [:], tags: [:], actor: ed)
            return run
        }
    }

    @Test("without a policy a transition is immediate, as in MLflow")
    func ungoverned() async throws {
        let world = try await World.make()
        try await world.publish(["auc": 0.9])
        let outcome = try await world.request(1)
        #expect(outcome.applied && outcome.request == nil && outcome.version.stage == .production)
        _ = try await world.service.governance.setAlias(
            modelName: "fraud",
            alias: "champion",
            number: 1,
            actor: Self.ed
        )
    }

    @Test("a guarded stage: request, four eyes, k distinct approvals, then applied exactly once")
    func approvals() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 2}}}"#)
        try await world.publish(["auc": 0.9], by: Self.ian)
        let pending = try await world.request(1, by: Self.max)
        let request = try #require(pending.request)
        #expect(!pending.applied && request.state == .pending && request.requiredApprovals == 2)
        #expect(try await world.stage(1) == .none)

        // The requester and the version's creator may not approve; each refusal is recorded, nothing else changes.
        let before = try await world.events().count
        let own = await expectRegistryError(.permissionDenied) { try await world.approve(request.id, by: Self.max) }
        #expect(own?.message.contains("four eyes") == true)
        let creator = await expectRegistryError(.permissionDenied) { try await world.approve(request.id, by: Self.ian) }
        #expect(creator?.message.contains("finalized version 1") == true)
        let afterRefusals = try await world.events()
        #expect(
            afterRefusals.count == before + 2 && afterRefusals.suffix(2).allSatisfy { $0.action == "access.denied" }
        )
        // An editor holds no approve right at all.
        await expectRegistryError(.permissionDenied) { try await world.approve(request.id, by: Self.eve) }

        let first = try await world.approve(request.id, by: Self.abe)
        #expect(!first.applied && first.request?.approvals.map(\.approver) == ["abe"])
        await expectRegistryError(.failedPrecondition) { try await world.approve(request.id, by: Self.abe) }
        let second = try await world.approve(request.id, by: Self.amy)
        #expect(second.applied && second.request?.state == .approved && second.version.stage == .production)
        #expect(try await world.stage(1) == .production)
        let late = await expectRegistryError(.failedPrecondition) { try await world.approve(request.id, by: alice) }
        #expect(late?.message.contains("already approved") == true)

        let actions = try await world.events().map(\.action)
        #expect(actions.filter { $0 == "version.stage_changed" }.count == 1)
        #expect(actions.suffix(2) == ["transition.approved", "version.stage_changed"])
        let stored = try await world.service.governance.transitionRequest(id: request.id, actor: Self.eve)
        #expect(stored.state == .approved && stored.resolvedBy == "amy" && stored.decisions.count == 2)
    }

    @Test("whoever uploaded or finalized the version is barred like its creator; asking again returns the request")
    func contributorsAndRetries() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 2}}}"#)
        world.clock.advance(by: 1)
        _ = try await world.service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: Self.ed)
        try await world.service.upload(bytes("weights"), modelName: "fraud", number: 1, path: "m.bin", actor: Self.max)
        _ = try await world.service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: Self.ian)
        let request = try #require(try await world.request(1, by: Self.eve).request)
        for contributor in [Self.max, Self.ian] {
            let error = await expectRegistryError(.permissionDenied) {
                try await world.approve(request.id, by: contributor)
            }
            #expect(error?.message.contains("separates duties") == true)
        }
        _ = try await world.approve(request.id, by: Self.abe)
        // A retried request (an MLflow client retrying its call) keeps the approvals gathered so far.
        let again = try await world.request(1, by: Self.ed)
        #expect(again.request?.id == request.id && again.request?.approvals.count == 1 && !again.applied)
        let mlflow = await expectRegistryError(.approvalRequired) {
            try await world.service.governance.transitionStage(
                modelName: "fraud",
                number: 1,
                to: .production,
                archiveExisting: false,
                actor: Self.ed
            )
        }
        #expect(
            mlflow?.message.contains("\(request.id) is pending (1 of 2 approvals)") == true,
            "\(mlflow?.message ?? "")"
        )
        #expect(try await world.approve(request.id, by: Self.amy).applied)
    }

    @Test("with metrics_source run, metric gates read the run's metrics, not what the version's creator typed")
    func metricsFromRun() async throws {
        let world = try await World.make()
        let run = try await world.run(auc: 0.5)
        world.clock.advance(by: 1)
        _ = try await world.service.publishVersion(
            modelName: "fraud",
            files: ["m.bin": bytes("w")],
            NewVersion(lineage: VersionLineage(runID: run.id, metrics: ["auc": 0.99])),
            actor: Self.ed
        )
        try await world.publish(["auc": 0.99])  // version 2: no run at all
        try await world.setPolicy(#"{"stages": {"Staging": {"approvals": 0, "gates": {"metrics": ["auc >= 0.9"]}}}}"#)
        #expect(try await world.request(1, .stage(.staging)).applied, "the version's own metrics pass")
        _ = try await world.service.governance.requestTransition(
            modelName: "fraud",
            number: 1,
            to: .stage(.none),
            archiveExisting: false,
            comment: "",
            actor: alice
        )
        try await world.setPolicy(
            #"{"stages": {"Staging": {"approvals": 0, "gates": {"metrics": ["auc >= 0.9"], "metrics_source": "run"}}}}"#
        )
        let fromRun = await expectRegistryError(.failedPrecondition) { try await world.request(1, .stage(.staging)) }
        #expect(fromRun?.message.contains("auc 0.5") == true, "\(fromRun?.message ?? "")")
        let noRun = await expectRegistryError(.failedPrecondition) { try await world.request(2, .stage(.staging)) }
        #expect(noRun?.message.contains("no metric 'auc'") == true)
        let policy = try await world.service.governance.policy(modelName: "fraud", actor: Self.ed)
        #expect(policy.stored?.policy.rule(for: .stage(.staging))?.metricsSource == .run)
        expectInvalid {
            _ = try Policy(document: bytes(#"{"stages": {"Staging": {"gates": {"metrics_source": "vibes"}}}}"#))
        }
    }

    @Test("moving a version out of a guarded stage to an unguarded one needs an admin")
    func leavingGuardedStage() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 0}}}"#)
        try await world.publish(["auc": 0.9])
        #expect(try await world.request(1).applied)
        for stage in [Stage.none, .staging, .archived] {
            let error = await expectRegistryError(.permissionDenied) { try await world.request(1, .stage(stage)) }
            #expect(error?.message.contains("its policy guards") == true)
            #expect(try await world.events().last?.action == "access.denied")
        }
        #expect(try await world.stage(1) == .production)
        #expect(try await world.request(1, .stage(.archived), by: alice).applied)
    }

    @Test("separation of duties can be relaxed for the creator, never for the requester")
    func relaxedSeparation() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 1, "separation_of_duties": false}}}"#)
        try await world.publish(["auc": 0.9], by: Self.max)
        let request = try #require(try await world.request(1, by: Self.ed).request)
        #expect(try await world.approve(request.id, by: Self.max).applied)
        try await world.publish(["auc": 0.9], by: Self.max)
        let own = try #require(try await world.request(2, .stage(.production), by: Self.max).request)
        await expectRegistryError(.permissionDenied) { try await world.approve(own.id, by: Self.max) }
    }

    @Test("gates against the current Production version block a worse candidate and name the gate")
    func gatesAgainstProduction() async throws {
        let world = try await World.make()
        try await world.setPolicy(
            #"{"stages": {"Production": {"approvals": 0, "archive_existing": true, "gates": {"metrics": ["accuracy >= 0.9", "auc >= production.auc - 0.005"]}}}}"#
        )
        try await world.publish(["accuracy": 0.95, "auc": 0.90])
        let first = try await world.request(1)
        #expect(first.applied && first.request?.state == .approved)
        #expect(first.request?.gateResults.last?.message.contains("no version is in Production") == true)

        try await world.publish(["accuracy": 0.95, "auc": 0.89])
        let before = try await world.events().count
        let blocked = await expectRegistryError(.failedPrecondition) { try await world.request(2) }
        #expect(
            blocked?.message.contains("`auc >= production.auc - 0.005` failed") == true,
            "\(blocked?.message ?? "")"
        )
        #expect(blocked?.message.contains("production.auc 0.9") == true)
        let events = try await world.events()
        #expect(events.count == before + 1 && events.last?.action == "transition.blocked")
        #expect(try await world.stage(2) == .none)
        #expect(
            try await world.service.governance.transitionRequests(
                modelName: "fraud",
                state: .pending,
                after: nil,
                limit: 10,
                actor: alice
            ).items.isEmpty
        )

        try await world.publish(["accuracy": 0.85, "auc": 0.99])
        let accuracy = await expectRegistryError(.failedPrecondition) { try await world.request(3) }
        #expect(accuracy?.message.contains("`accuracy >= 0.9` failed") == true)

        try await world.publish(["accuracy": 0.93, "auc": 0.897])
        let better = try await world.request(4)
        #expect(better.applied)
        #expect(try await world.stage(1) == .archived, "the policy archives the previous Production version")
        #expect(try await world.stage(4) == .production)
    }

    @Test("the final approval re-checks the gates against the Production version of that moment")
    func gatesRecheckedAtApproval() async throws {
        let world = try await World.make()
        try await world.setPolicy(
            #"{"stages": {"Production": {"approvals": 1, "gates": {"metrics": ["auc > production.auc"]}}}}"#
        )
        try await world.publish(["auc": 0.80])
        try await world.publish(["auc": 0.85])
        let slow = try #require(try await world.request(2).request)
        // Meanwhile a better version reaches Production while the policy is lifted (the request keeps its rule).
        try await world.publish(["auc": 0.95])
        try await world.setPolicy(#"{}"#)
        _ = try await world.request(3)
        let error = await expectRegistryError(.failedPrecondition) { try await world.approve(slow.id, by: Self.abe) }
        #expect(error?.message.contains("`auc > production.auc` failed") == true, "\(error?.message ?? "")")
        let still = try await world.service.governance.transitionRequest(id: slow.id, actor: alice)
        #expect(still.state == .pending && still.decisions.isEmpty, "the refused approval is not kept")
        #expect(try await world.events().last?.action == "transition.blocked")
    }

    @Test("a newer request for the same target supersedes the pending one")
    func supersession() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 1}, "Staging": {"approvals": 1}}}"#)
        try await world.publish(["auc": 0.9])
        try await world.publish(["auc": 0.91])
        let older = try #require(try await world.request(1).request)
        let staging = try #require(try await world.request(1, .stage(.staging)).request)
        let newer = try #require(try await world.request(2, by: Self.eve).request)
        let old = try await world.service.governance.transitionRequest(id: older.id, actor: alice)
        #expect(old.state == .superseded && old.resolution.contains(newer.id) && old.resolvedBy == "eve")
        #expect(try await world.service.governance.transitionRequest(id: staging.id, actor: alice).state == .pending)
        await expectRegistryError(.failedPrecondition) { try await world.approve(older.id, by: Self.abe) }
        #expect(try await world.approve(newer.id, by: Self.abe).applied)
        let payload = try #require(
            try await world.events().first { $0.action == "transition.requested" && $0.payload.contains(newer.id) }
        )
        #expect(payload.payload.contains(#""superseded":["\#(older.id)"]"#))
    }

    @Test("two approvals landing at once apply the transition once", arguments: [1, 2])
    func concurrentApprovals(required: Int) async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": \#(required)}}}"#)
        try await world.publish(["auc": 0.9])
        let request = try #require(try await world.request(1).request)
        let service = world.service
        let results = await withTaskGroup(of: Bool.self) { group in
            for approver in [Self.abe, Self.amy] {
                group.addTask {
                    (try? await service.governance.approveTransition(
                        requestID: request.id,
                        comment: "",
                        actor: approver
                    )) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == (required == 1 ? 1 : 2))
        let applied = try await world.events().filter { $0.action == "version.stage_changed" }
        #expect(applied.count == 1)
        #expect(try await world.stage(1) == .production)
    }

    @Test("reject needs a comment and an approver; cancel is the requester's or an admin's")
    func rejectAndCancel() async throws {
        let world = try await World.make()
        try await world.setPolicy(#"{"aliases": {"champion": {"approvals": 1}}}"#)
        try await world.publish(["auc": 0.9])
        let first = try #require(try await world.request(1, .alias("champion")).request)
        await expectRegistryError(.invalidArgument) {
            try await world.service.governance.rejectTransition(requestID: first.id, comment: " ", actor: Self.abe)
        }
        let rejected = try await world.service.governance.rejectTransition(
            requestID: first.id,
            comment: "no card",
            actor: Self.abe
        )
        #expect(rejected.state == .rejected && rejected.resolution == "no card")
        await expectRegistryError(.failedPrecondition) {
            try await world.service.governance.cancelTransition(requestID: first.id, comment: "", actor: Self.ed)
        }

        // setAlias on a protected alias creates the request and says so.
        let error = await expectRegistryError(.approvalRequired) {
            try await world.service.governance.setAlias(
                modelName: "fraud",
                alias: "champion",
                number: 1,
                actor: Self.ed
            )
        }
        let id = try #require(error?.message.firstMatch(of: /request (\S+) is pending/)?.1)
        await expectRegistryError(.permissionDenied) {
            try await world.service.governance.cancelTransition(requestID: String(id), comment: "", actor: Self.eve)
        }
        let cancelled = try await world.service.governance.cancelTransition(
            requestID: String(id),
            comment: "wrong",
            actor: Self.ed
        )
        #expect(cancelled.state == .cancelled)
        #expect(try await world.service.catalog.aliases(modelName: "fraud", actor: alice).isEmpty)
        // An unguarded alias is still immediate.
        _ = try await world.service.governance.setAlias(modelName: "fraud", alias: "shadow", number: 1, actor: Self.ed)
        // Removing a protected alias needs an admin.
        let granted = try #require(try await world.request(1, .alias("champion")).request)
        #expect(try await world.approve(granted.id, by: Self.abe).applied)
        await expectRegistryError(.permissionDenied) {
            try await world.service.governance.deleteAlias(modelName: "fraud", alias: "champion", actor: Self.ed)
        }
        #expect(try await world.events().last?.action == "access.denied")
        try await world.service.governance.deleteAlias(modelName: "fraud", alias: "champion", actor: alice)
        try await world.service.governance.deleteAlias(modelName: "fraud", alias: "shadow", actor: Self.ed)
    }

    @Test("a model's own policy replaces the default one; without either, nothing is guarded")
    func policySources() async throws {
        let world = try await World.make()
        try await world.publish(["auc": 0.9])
        #expect(try await world.service.governance.policy(modelName: "fraud", actor: Self.ed).source == .none)
        try await world.setPolicy(#"{"stages": {"Staging": {"approvals": 1}}}"#, model: nil)
        #expect(try await world.service.governance.policy(modelName: "fraud", actor: Self.ed).source == .default)
        #expect(try await world.request(1, .stage(.staging)).applied == false)
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 1}}}"#)
        #expect(try await world.service.governance.policy(modelName: "fraud", actor: Self.ed).source == .model)
        #expect(try await world.request(1, .stage(.staging)).applied, "the model's policy does not guard Staging")
        try await world.service.governance.deletePolicy(modelName: "fraud", actor: alice)
        #expect(try await world.service.governance.policy(modelName: "fraud", actor: Self.ed).source == .default)
        await expectRegistryError(.notFound) {
            try await world.service.governance.deletePolicy(modelName: "fraud", actor: alice)
        }
        await expectRegistryError(.permissionDenied) {
            try await world.service.governance.setPolicy(modelName: "fraud", policy: Policy(), actor: Self.ed)
        }
        let set = try await world.events().filter { $0.action == "policy.set" }
        #expect(set.count == 2 && set[0].subject == "policy/default" && set[1].subject == "model/fraud/policy")
    }

    @Test("model cards: edits after sealing are recorded, stale revisions refused, the card gate reads them")
    func modelCardsAndGate() async throws {
        let world = try await World.make()
        try await world.setPolicy(
            #"{"stages": {"Production": {"approvals": 0, "gates": {"model_card": ["intended_use"]}}}}"#
        )
        try await world.publish(["auc": 0.9])
        let empty = try await world.service.governance.modelCard(modelName: "fraud", number: 1, actor: Self.ed)
        #expect(empty.revision == 0 && empty.card == ModelCard())
        let blocked = await expectRegistryError(.failedPrecondition) { try await world.request(1) }
        #expect(blocked?.message.contains("model card has intended_use") == true)

        let card = ModelCard(intendedUse: "Card-not-present fraud", evaluationMetrics: ["auc": 0.9])
        let first = try await world.service.governance.setModelCard(
            modelName: "fraud",
            number: 1,
            card: card,
            expectedRevision: 0,
            actor: Self.ed
        )
        #expect(first.revision == 1 && first.updatedBy == "ed")
        await expectRegistryError(.failedPrecondition) {
            try await world.service.governance.setModelCard(
                modelName: "fraud",
                number: 1,
                card: ModelCard(),
                expectedRevision: 0,
                actor: Self.eve
            )
        }
        let same = try await world.service.governance.setModelCard(
            modelName: "fraud",
            number: 1,
            card: card,
            expectedRevision: nil,
            actor: Self.eve
        )
        #expect(same.revision == 1, "an edit that changes nothing records nothing")
        let edits = try await world.events().filter { $0.action == "model_card.updated" }
        #expect(edits.count == 1 && edits[0].payload.contains(#""changed":["intended_use","evaluation_metrics"]"#))
        #expect(edits[0].payload.contains("Card-not-present fraud"))
        #expect(try await world.request(1).applied)
    }
}

import CairnCore
import Foundation
import Testing

// MARK: - Governance: policies, transition requests, model cards

extension MetadataStoreConformance {
    static let governanceCases: [MetadataStoreConformanceCase] = [
        .init("policies are set, replaced, read and deleted per model and for the default, each on its own") { store in
            let model = try await insert(store, model("fraud"))
            #expect(try await store.read { try await $0.policy(modelID: model.id) } == nil)
            #expect(try await store.read { try await $0.policy(modelID: nil) } == nil)
            let fallback = StoredPolicy(modelID: nil, policy: try samplePolicy(), updatedAt: at(5), updatedBy: "root")
            let own = StoredPolicy(modelID: model.id, policy: Policy(), updatedAt: at(6), updatedBy: "alice")
            try await store.write { tx in
                try await tx.setPolicy(fallback)
                try await tx.setPolicy(own)
            }
            #expect(try await store.read { try await $0.policy(modelID: nil) } == fallback)
            #expect(try await store.read { try await $0.policy(modelID: model.id) } == own)
            var replaced = own
            replaced.policy = Policy(aliases: ["champion": TransitionRule(approvals: 0, separationOfDuties: false)])
            // Stores keep whole milliseconds.
            replaced.updatedAt = at(7).addingTimeInterval(0.0004)
            replaced.updatedBy = "bob"
            try await store.write { [replaced] in try await $0.setPolicy(replaced) }
            replaced.updatedAt = at(7)
            #expect(try await store.write { try await $0.policy(modelID: model.id) } == replaced)
            #expect(try await store.read { try await $0.policy(modelID: nil) } == fallback)
            #expect(try await store.write { try await $0.deletePolicy(modelID: model.id) })
            #expect(try await store.write { try await $0.deletePolicy(modelID: model.id) } == false)
            #expect(try await store.read { try await $0.policy(modelID: model.id) } == nil)
            #expect(try await store.read { try await $0.policy(modelID: nil) } == fallback)
            #expect(try await store.write { try await $0.deletePolicy(modelID: nil) })
            #expect(try await store.read { try await $0.policy(modelID: nil) } == nil)
        },
        .init("a transition request reads back with its model's current name; updates replace it") { store in
            let model = try await insert(store, model("fraud"))
            let version = try await addVersion(store, model, status: .ready)
            // Stores keep whole milliseconds, in the document as in the columns.
            let sent = request("r1", version, createdAt: at(20).addingTimeInterval(0.0004))
            try await store.write { try await $0.insertTransitionRequest(sent) }
            var stored = request("r1", version, createdAt: at(20))
            #expect(try await store.read { try await $0.transitionRequest(id: "r1") } == stored)
            #expect(try await store.read { try await $0.transitionRequest(id: "r2") } == nil)

            var renamed = model
            renamed.name = "fraud-renamed"
            try await store.write { [renamed] in try await $0.updateModel(renamed) }
            stored.modelName = "fraud-renamed"
            #expect(try await store.read { try await $0.transitionRequest(id: "r1") } == stored)

            stored.state = .approved
            stored.decisions.append(
                ApprovalDecision(approver: "carol", verdict: .approve, comment: "ok", time: at(30))
            )
            stored.gateResults = []
            stored.resolvedBy = "carol"
            stored.resolution = "approved by carol"
            stored.updatedAt = at(30)
            try await store.write { [stored] in try await $0.updateTransitionRequest(stored) }
            #expect(try await store.write { try await $0.transitionRequest(id: "r1") } == stored)
            let pending = try await store.read {
                try await $0.transitionRequests(modelID: model.id, state: .pending, after: nil, limit: 10)
            }
            #expect(pending.isEmpty)
            let approved = try await store.read {
                try await $0.transitionRequests(modelID: model.id, state: .approved, after: nil, limit: 10)
            }
            #expect(approved == [stored])
        },
        .init("a request id is taken once; an unknown model or an update of an unknown id throws notFound") { store in
            let model = try await insert(store, model("fraud"))
            let version = try await addVersion(store, model, status: .ready)
            try await store.write { try await $0.insertTransitionRequest(request("r1", version, createdAt: at(1))) }
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertTransitionRequest(request("r1", version, createdAt: at(2))) }
            }
            var orphan = request("r2", version, createdAt: at(3))
            orphan.modelID = "m-ghost"
            await expectCode(.notFound) {
                try await store.write { [orphan] in try await $0.insertTransitionRequest(orphan) }
            }
            await expectCode(.notFound) {
                try await store.write { try await $0.updateTransitionRequest(request("r9", version, createdAt: at(4))) }
            }
            let all = try await store.read {
                try await $0.transitionRequests(modelID: nil, state: nil, after: nil, limit: 10)
            }
            #expect(all.map(\.id) == ["r1"])
            #expect(all.first?.createdAt == at(1))
        },
        .init(
            "requests list newest first (then id descending), filtered by model and state, resuming after a cursor, at most a limit"
        ) {
            store in
            let a = try await insert(store, model("a"))
            let b = try await insert(store, model("b"))
            let (va, vb) = (
                try await addVersion(store, a, status: .ready), try await addVersion(store, b, status: .ready)
            )
            // Same creation time: code-point order puts "req-Z" before "req-a", so descending lists "req-a" first.
            let requests = [
                request("req-1", va, createdAt: at(10)),
                request("req-Z", va, state: .approved, createdAt: at(20)),
                request("req-a", va, createdAt: at(20)),
                request("req-4", va, state: .rejected, createdAt: at(30)),
                request("req-b", vb, createdAt: at(25)),
            ]
            try await store.write { tx in for request in requests { try await tx.insertTransitionRequest(request) } }
            func ids(
                _ modelID: String?,
                _ state: TransitionRequest.State?,
                _ after: RequestCursor?,
                _ limit: Int = 10
            ) async throws -> [String] {
                try await store.read {
                    try await $0.transitionRequests(modelID: modelID, state: state, after: after, limit: limit)
                }.map(\.id)
            }
            func cursor(_ seconds: Int64, _ id: String) -> RequestCursor {
                RequestCursor(createdAt: at(seconds), id: id)
            }
            #expect(try await ids(nil, nil, nil) == ["req-4", "req-b", "req-a", "req-Z", "req-1"])
            #expect(try await ids(a.id, nil, nil) == ["req-4", "req-a", "req-Z", "req-1"])
            #expect(try await ids(a.id, .pending, nil) == ["req-a", "req-1"])
            #expect(try await ids(nil, .pending, nil) == ["req-b", "req-a", "req-1"])
            #expect(try await ids(b.id, .approved, nil) == [])
            #expect(try await ids(nil, nil, cursor(25, "req-b")) == ["req-a", "req-Z", "req-1"])
            // Two requests of the same millisecond on either side of a page boundary: neither is skipped nor repeated.
            #expect(try await ids(nil, nil, cursor(20, "req-a")) == ["req-Z", "req-1"])
            #expect(try await ids(nil, nil, cursor(20, "req-Z")) == ["req-1"])
            #expect(try await ids(a.id, .pending, cursor(20, "req-a")) == ["req-1"])
            var paged: [String] = []
            var after: RequestCursor?
            repeat {
                let resume = after
                let page = try await store.read {
                    try await $0.transitionRequests(modelID: nil, state: nil, after: resume, limit: 2)
                }
                paged += page.map(\.id)
                after = page.count == 2 ? page.last.map(RequestCursor.init(after:)) : nil
            } while after != nil
            #expect(paged == ["req-4", "req-b", "req-a", "req-Z", "req-1"])
            #expect(try await ids(nil, nil, nil, 2) == ["req-4", "req-b"])
            #expect(try await ids(nil, nil, nil, 0) == [])
            let inside = try await store.write {
                try await $0.transitionRequests(modelID: nil, state: .pending, after: nil, limit: 10)
            }
            #expect(inside.map(\.id) == ["req-b", "req-a", "req-1"])
            #expect(inside.map(\.modelName) == ["b", "a", "a"])
        },
        .init("a version's card is set, replaced with its revision, and read back; an unknown version is notFound") {
            store in
            let model = try await insert(store, model("fraud"))
            let (v1, v2) = (try await addVersion(store, model), try await addVersion(store, model))
            #expect(try await store.read { try await $0.modelCard(versionID: v1.id) } == nil)
            let first = card(v1, revision: 1, intendedUse: "scoring card payments", at: at(40))
            try await store.write { try await $0.setModelCard(first) }
            #expect(try await store.read { try await $0.modelCard(versionID: v1.id) } == first)
            var second = card(v1, revision: 2, intendedUse: "scoring all payments", at: at(41))
            second.card.fairnessMetrics = ["parity": -0.25]
            second.updatedBy = "bob"
            try await store.write { [second] in try await $0.setModelCard(second) }
            #expect(try await store.write { try await $0.modelCard(versionID: v1.id) } == second)
            #expect(try await store.read { try await $0.modelCard(versionID: v2.id) } == nil)
            await expectCode(.notFound) {
                try await store.write { try await $0.setModelCard(Self.card(v1, versionID: "v-ghost", revision: 1)) }
            }
        },
        .init("deleting a model deletes its policy, requests and cards; deleting a version only its card") { store in
            let a = try await insert(store, model("a"))
            let b = try await insert(store, model("b"))
            let (a1, a2) = (try await addVersion(store, a, status: .ready), try await addVersion(store, a))
            let b1 = try await addVersion(store, b, status: .ready)
            let policy = try samplePolicy()
            try await store.write { tx in
                for modelID in [a.id, b.id, nil] {
                    try await tx.setPolicy(
                        StoredPolicy(modelID: modelID, policy: policy, updatedAt: at(1), updatedBy: "x")
                    )
                }
                for version in [a1, a2, b1] { try await tx.setModelCard(card(version, revision: 1)) }
                try await tx.insertTransitionRequest(request("ra1", a1, createdAt: at(1)))
                try await tx.insertTransitionRequest(request("ra2", a2, createdAt: at(2)))
                try await tx.insertTransitionRequest(request("rb1", b1, createdAt: at(3)))
            }
            try await store.write { try await $0.deleteVersion(id: a1.id) }
            #expect(try await store.read { try await $0.modelCard(versionID: a1.id) } == nil)
            #expect(try await store.read { try await $0.modelCard(versionID: a2.id) } != nil)
            #expect(try await store.read { try await $0.transitionRequest(id: "ra1") }?.versionID == a1.id)

            try await store.write { try await $0.deleteModel(id: a.id) }
            #expect(try await store.read { try await $0.policy(modelID: a.id) } == nil)
            #expect(try await store.read { try await $0.modelCard(versionID: a2.id) } == nil)
            #expect(try await store.read { try await $0.transitionRequest(id: "ra1") } == nil)
            #expect(try await store.read { try await $0.transitionRequest(id: "ra2") } == nil)
            let left = try await store.read {
                try await $0.transitionRequests(modelID: nil, state: nil, after: nil, limit: 10)
            }
            #expect(left.map(\.id) == ["rb1"])
            #expect(try await store.read { try await $0.policy(modelID: b.id) }?.policy == policy)
            #expect(try await store.read { try await $0.policy(modelID: nil) }?.policy == policy)
            #expect(try await store.read { try await $0.modelCard(versionID: b1.id) } != nil)
            // The id is free again, as after any delete.
            try await insert(store, a)
            #expect(try await store.read { try await $0.policy(modelID: a.id) } == nil)
        },
        .init("governance writes in a failed transaction leave nothing behind") { store in
            let model = try await insert(store, model("fraud"))
            let version = try await addVersion(store, model, status: .ready)
            do {
                try await store.write { tx in
                    try await tx.setPolicy(
                        StoredPolicy(modelID: nil, policy: Policy(), updatedAt: at(1), updatedBy: "x")
                    )
                    try await tx.insertTransitionRequest(request("r1", version, createdAt: at(1)))
                    try await tx.setModelCard(card(version, revision: 1))
                    throw ConformanceAbort()
                }
            } catch is ConformanceAbort {}
            #expect(try await store.read { try await $0.policy(modelID: nil) } == nil)
            #expect(try await store.read { try await $0.transitionRequest(id: "r1") } == nil)
            #expect(try await store.read { try await $0.modelCard(versionID: version.id) } == nil)
        },
    ]
}

// MARK: - Governance fixtures

extension MetadataStoreConformance {
    /// A policy using every kind of gate, in the order a parsed document lists them (metrics, model card, signature,
    /// dataset digest, tags), so that it reads back equal.
    static func samplePolicy() throws -> Policy {
        Policy(
            stages: [
                .production: TransitionRule(
                    approvals: 2,
                    archiveExisting: true,
                    gates: [
                        .metric(try MetricExpression(parsing: "auc >= production.auc - 0.005")),
                        .modelCard([.intendedUse, .limitations]), .signature, .datasetDigest,
                        .tags(["reviewed", "risk=low"]),
                    ]
                ),
                .staging: TransitionRule(approvals: 0),
            ],
            aliases: ["champion": TransitionRule(approvals: 1, separationOfDuties: false)]
        )
    }

    static func request(
        _ id: String,
        _ version: ModelVersion,
        state: TransitionRequest.State = .pending,
        createdAt: Date
    ) -> TransitionRequest {
        TransitionRequest(
            id: id,
            modelID: version.modelID,
            modelName: version.modelName,
            versionID: version.id,
            versionNumber: version.number,
            target: .stage(.production),
            archiveExisting: true,
            requestedBy: "alice",
            comment: "ship it",
            state: state,
            requiredApprovals: 2,
            separationOfDuties: true,
            decisions: [ApprovalDecision(approver: "bob", verdict: .approve, comment: "", time: createdAt)],
            gateResults: [
                GateResult(
                    gate: "metric",
                    expression: "auc >= 0.9",
                    observed: ["auc": "0.93"],
                    passed: true,
                    message: ""
                )
            ],
            rule: "{\"approvals\":2}",
            createdAt: createdAt,
            updatedAt: createdAt
        )
    }

    static func card(
        _ version: ModelVersion,
        versionID: String? = nil,
        revision: Int,
        intendedUse: String = "scoring",
        at time: Date = at(50)
    ) -> StoredModelCard {
        StoredModelCard(
            versionID: versionID ?? version.id,
            card: ModelCard(
                intendedUse: intendedUse,
                trainingData: "clicks 2023",
                evaluationMetrics: ["auc": 0.93, "loss": 1e-9],
                limitations: "not for loans\nnor for \"anything\" else",
                markdown: "# Notes ✓"
            ),
            revision: revision,
            updatedAt: time,
            updatedBy: "alice"
        )
    }
}

import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("RegistryService: the event log")
struct RegistryServiceEventTests {
    let clock = ManualClock()
    let service: RegistryService

    init() {
        service = makeService(clock: clock)
    }

    struct Step: Sendable {
        var action: String
        var subject: String
        var actor: Principal
        var run: @Sendable (RegistryService, Principal) async throws -> Void
    }

    /// Every mutating use case once, in an order that makes each one succeed.
    static let steps: [Step] = [
        Step(action: "model.created", subject: "model/fraud", actor: alice) {
            _ = try await $0.catalog.createModel(name: "fraud", tags: ["team": "risk"], actor: $1)
        },
        Step(action: "model.updated", subject: "model/fraud", actor: bob) {
            _ = try await $0.catalog.updateModel(name: "fraud", description: "docs", actor: $1)
        },
        Step(action: "model.tag_set", subject: "model/fraud", actor: carol) {
            _ = try await $0.catalog.setModelTag(name: "fraud", key: "k", value: "v", actor: $1)
        },
        Step(action: "model.tag_deleted", subject: "model/fraud", actor: alice) {
            _ = try await $0.catalog.deleteModelTag(name: "fraud", key: "k", actor: $1)
        },
        Step(action: "model.renamed", subject: "model/risk", actor: bob) {
            _ = try await $0.catalog.renameModel(name: "fraud", to: "risk", actor: $1)
        },
        Step(action: "version.created", subject: "model/risk/version/1", actor: carol) {
            _ = try await $0.catalog.createVersion(modelName: "risk", NewVersion(), actor: $1)
        },
        Step(action: "version.file_uploaded", subject: "model/risk/version/1", actor: alice) {
            _ = try await $0.upload(bytes("w"), modelName: "risk", number: 1, path: "w.bin", actor: $1)
        },
        Step(action: "version.finalized", subject: "model/risk/version/1", actor: bob) {
            _ = try await $0.catalog.finalizeVersion(modelName: "risk", number: 1, actor: $1)
        },
        Step(action: "version.updated", subject: "model/risk/version/1", actor: carol) {
            _ = try await $0.catalog.updateVersion(modelName: "risk", number: 1, description: "d", actor: $1)
        },
        Step(action: "version.tag_set", subject: "model/risk/version/1", actor: alice) {
            _ = try await $0.catalog.setVersionTag(modelName: "risk", number: 1, key: "k", value: "v", actor: $1)
        },
        Step(action: "version.tag_deleted", subject: "model/risk/version/1", actor: bob) {
            _ = try await $0.catalog.deleteVersionTag(modelName: "risk", number: 1, key: "k", actor: $1)
        },
        Step(action: "alias.set", subject: "model/risk/alias/champion", actor: carol) {
            _ = try await $0.governance.setAlias(modelName: "risk", alias: "champion", number: 1, actor: $1)
        },
        Step(action: "alias.deleted", subject: "model/risk/alias/champion", actor: alice) {
            try await $0.governance.deleteAlias(modelName: "risk", alias: "champion", actor: $1)
        },
        Step(action: "version.deleted", subject: "model/risk/version/1", actor: alice) {
            try await $0.catalog.deleteVersion(modelName: "risk", number: 1, actor: $1)
        },
        Step(action: "model.deleted", subject: "model/risk", actor: carol) {
            try await $0.catalog.deleteModel(name: "risk", actor: $1)
        },
    ]

    @Test("every mutating call appends exactly one event naming the actor, and the chain verifies")
    func oneEventPerChange() async throws {
        for (index, step) in Self.steps.enumerated() {
            clock.advance(by: 1)
            try await step.run(service, step.actor)
            let events = try await service.allEvents()
            #expect(events.count == index + 1, "\(step.action) appended \(events.count - index) events")
            let event = try #require(events.last)
            #expect(event.sequence == Int64(index + 1))
            #expect(event.action == step.action)
            #expect(event.subject == step.subject)
            #expect(event.actor == step.actor.name)
            #expect(event.time == clock.now())
        }
        #expect(try await service.governance.verifyEventChain(actor: alice).broken == nil)
        #expect(try await service.governance.verifyEventChain(batchSize: 2, actor: alice).broken == nil)
        #expect(try await service.governance.verifyEventChain(batchSize: 1, actor: alice).broken == nil)
    }

    @Test("payloads are canonical JSON and carry the details of the change")
    func payloads() async throws {
        for step in Self.steps.prefix(8) { try await step.run(service, step.actor) }
        let events = try await service.allEvents()
        struct NoSuchEvent: Error { var action: String }
        func payload(_ action: String) throws -> [String: Any] {
            guard let event = events.first(where: { $0.action == action }) else { throw NoSuchEvent(action: action) }
            return try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any] ?? [:]
        }
        #expect(try payload("model.created")["tags"] as? [String: String] == ["team": "risk"])
        #expect(try payload("model.renamed")["from"] as? String == "fraud")
        #expect(try payload("model.renamed")["to"] as? String == "risk")
        let uploaded = try payload("version.file_uploaded")
        #expect(uploaded["path"] as? String == "w.bin")
        #expect(uploaded["digest"] as? String == Digest.of(bytes("w")).description)
        #expect((uploaded["size"] as? NSNumber)?.intValue == 1)
        let finalized = try payload("version.finalized")
        #expect((finalized["files"] as? NSNumber)?.intValue == 1)
        #expect(finalized["manifest_digest"] as? String != nil)
    }

    @Test("a failing call appends no event")
    func failuresRecordNothing() async throws {
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        let before = try await service.allEvents()
        let failures: [@Sendable () async throws -> Void] = [
            { _ = try await service.catalog.createModel(name: "fraud", actor: bob) },
            { _ = try await service.catalog.createModel(name: "bad/name", actor: bob) },
            { _ = try await service.catalog.updateModel(name: "missing", description: "", actor: bob) },
            { _ = try await service.catalog.renameModel(name: "missing", to: "x", actor: bob) },
            { try await service.catalog.deleteModel(name: "missing", actor: alice) },
            { _ = try await service.catalog.deleteModelTag(name: "fraud", key: "absent", actor: bob) },
            { _ = try await service.catalog.createVersion(modelName: "missing", NewVersion(), actor: bob) },
            {
                let lineage = VersionLineage(metrics: ["auc": .nan])
                _ = try await service.catalog.createVersion(
                    modelName: "fraud",
                    NewVersion(lineage: lineage),
                    actor: bob
                )
            },
            {
                let signature = ModelSignature(inputs: "{oops")
                let new = NewVersion(lineage: VersionLineage(signature: signature))
                _ = try await service.catalog.createVersion(modelName: "fraud", new, actor: bob)
            },
            { _ = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: bob) },
            {
                _ = try await service.upload(
                    bytes("x"),
                    modelName: "fraud",
                    number: 1,
                    path: "x",
                    expectedDigest: Digest.of(bytes("y")),
                    actor: bob
                )
            },
            { _ = try await service.upload(bytes("x"), modelName: "fraud", number: 1, path: "../x", actor: bob) },
            { _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: bob) },
            { try await service.governance.deleteAlias(modelName: "fraud", alias: "champion", actor: bob) },
            {
                _ = try await service.catalog.deleteVersionTag(modelName: "fraud", number: 1, key: "absent", actor: bob)
            },
            { try await service.catalog.deleteVersion(modelName: "fraud", number: 2, actor: alice) },
        ]
        for (index, failure) in failures.enumerated() {
            await #expect(throws: RegistryError.self, "failure \(index) did not fail") { try await failure() }
        }
        #expect(try await service.allEvents() == before)
        #expect(try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice).number == 2)
    }

    @Test("events page by sequence")
    func eventsPage() async throws {
        for name in ["a", "b", "c", "d"] { _ = try await service.catalog.createModel(name: name, actor: alice) }
        #expect(
            try await service.governance.events(afterSequence: 1, limit: 2, actor: alice).map(\.sequence) == [2, 3]
        )
        #expect(try await service.governance.events(afterSequence: 4, actor: alice).isEmpty)
    }
}

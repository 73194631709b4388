import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("RegistryService: versions")
struct RegistryServiceVersionTests {
    let clock = ManualClock()
    let service: RegistryService

    init() async throws {
        service = makeService(clock: clock)
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
    }

    func create(_ new: NewVersion = NewVersion(), actor: Principal = alice) async throws -> ModelVersion {
        try await service.catalog.createVersion(modelName: "fraud", new, actor: actor)
    }

    @Test("versions are numbered 1, 2, 3 and start PENDING in stage None")
    func numbering() async throws {
        let versions = [try await create(), try await create(), try await create(actor: bob)]
        #expect(versions.map(\.number) == [1, 2, 3])
        #expect(versions.allSatisfy { $0.status == .pending && $0.stage == .none && $0.manifest == nil })
        #expect(versions[2].createdBy == "bob")
        #expect(try await service.catalog.version(modelName: "fraud", number: 2, actor: alice) == versions[1])
    }

    @Test("a deleted version's number is never given out again")
    func numbersNeverReused() async throws {
        for _ in 1...3 { _ = try await create() }
        try await service.catalog.deleteVersion(modelName: "fraud", number: 3, actor: alice)
        #expect(try await create().number == 4)
        try await service.catalog.deleteVersion(modelName: "fraud", number: 4, actor: alice)
        try await service.catalog.deleteVersion(modelName: "fraud", number: 1, actor: alice)
        #expect(try await create().number == 5)
        await expectRegistryError(.notFound) {
            try await service.catalog.version(modelName: "fraud", number: 1, actor: alice)
        }
        #expect(try await service.catalog.listVersions(modelName: "fraud", actor: alice).items.map(\.number) == [5, 2])
    }

    @Test("concurrent creations get distinct consecutive numbers and one event each")
    func concurrentCreation() async throws {
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await service.catalog.createVersion(
                        modelName: "fraud",
                        NewVersion(description: "task \(index)"),
                        actor: alice
                    ).number
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...20))
        let events = try await service.allEvents()
        #expect(events.filter { $0.action == "version.created" }.count == 20)
        #expect(try await service.governance.verifyEventChain(actor: alice).broken == nil)
    }

    @Test("versions are listed newest first, a page at a time")
    func listing() async throws {
        for _ in 1...5 { _ = try await create() }
        let first = try await service.catalog.listVersions(modelName: "fraud", limit: 2, actor: alice)
        #expect(first.items.map(\.number) == [5, 4])
        let firstToken = try #require(first.nextPageToken)
        let second = try await service.catalog.listVersions(
            modelName: "fraud",
            pageToken: firstToken,
            limit: 2,
            actor: alice
        )
        #expect(second.items.map(\.number) == [3, 2])
        let secondToken = try #require(second.nextPageToken)
        let last = try await service.catalog.listVersions(
            modelName: "fraud",
            pageToken: secondToken,
            limit: 2,
            actor: alice
        )
        #expect(last.items.map(\.number) == [1])
        #expect(last.nextPageToken == nil)
    }

    @Test("a version listing refuses garbage tokens and tokens from a model listing")
    func listingBadTokens() async throws {
        for name in ["m1", "m2"] { _ = try await service.catalog.createModel(name: name, actor: alice) }
        let modelToken = try #require(try await service.catalog.listModels(limit: 1, actor: alice).nextPageToken)
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.listVersions(modelName: "fraud", pageToken: modelToken, actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.listVersions(modelName: "fraud", pageToken: "%%%", actor: alice)
        }
        await expectRegistryError(.notFound) {
            try await service.catalog.listVersions(modelName: "missing", actor: alice)
        }
    }

    @Test("creating a version of a missing model is NOT_FOUND")
    func missingModel() async throws {
        await expectRegistryError(.notFound) {
            try await service.catalog.createVersion(modelName: "missing", NewVersion(), actor: alice)
        }
    }

    @Test("description and tags of a version change and are recorded; deleting a missing tag is NOT_FOUND")
    func descriptionAndTags() async throws {
        _ = try await create(NewVersion(tags: ["a": "1"]))
        clock.advance(by: 5)
        let described = try await service.catalog.updateVersion(
            modelName: "fraud",
            number: 1,
            description: "tuned",
            actor: bob
        )
        #expect(described.description == "tuned")
        #expect(described.updatedBy == "bob")
        #expect(described.updatedAt == clock.now())
        _ = try await service.catalog.setVersionTag(modelName: "fraud", number: 1, key: "b", value: "2", actor: alice)
        _ = try await service.catalog.deleteVersionTag(modelName: "fraud", number: 1, key: "a", actor: alice)
        let read = try await service.catalog.version(modelName: "fraud", number: 1, actor: alice)
        #expect(read.tags == ["b": "2"])
        #expect(read.description == "tuned")
        await expectRegistryError(.notFound) {
            try await service.catalog.deleteVersionTag(modelName: "fraud", number: 1, key: "a", actor: alice)
        }
        await expectRegistryError(.notFound) {
            try await service.catalog.setVersionTag(modelName: "fraud", number: 9, key: "k", value: "v", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.setVersionTag(modelName: "fraud", number: 1, key: "", value: "v", actor: alice)
        }
    }

    @Test("lineage is stored with the version")
    func lineageKept() async throws {
        let lineage = VersionLineage(
            source: "s3://bucket/run/model",
            runID: "run-1",
            datasets: [DatasetReference(name: "train", digest: "abc", context: "training")],
            params: ["lr": "0.1"],
            metrics: ["auc": 0.93],
            signature: ModelSignature(inputs: "[{\"name\":\"x\",\"type\":\"double\"}]", outputs: "[]")
        )
        _ = try await create(NewVersion(lineage: lineage))
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).lineage == lineage)
    }

    static let badLineages: [(String, VersionLineage)] = [
        ("NaN metric", VersionLineage(metrics: ["auc": .nan])),
        ("infinite metric", VersionLineage(metrics: ["loss": -.infinity])),
        ("invalid signature JSON", VersionLineage(signature: ModelSignature(inputs: "{not json"))),
        ("invalid output signature JSON", VersionLineage(signature: ModelSignature(outputs: "[1,"))),
        ("empty param key", VersionLineage(params: ["": "x"])),
        ("NUL in param value", VersionLineage(params: ["k": "a\u{0}"])),
        ("nameless dataset", VersionLineage(datasets: [DatasetReference(name: "", digest: "d")])),
        ("over-long source", VersionLineage(source: String(repeating: "s", count: 8193))),
        ("too many params", VersionLineage(params: ["a": "1", "b": "2", "c": "3"])),
    ]

    @Test("invalid lineage is refused and changes nothing, not even the version counter", arguments: badLineages)
    func invalidLineage(label: String, lineage: VersionLineage) async throws {
        let service = makeService(limits: RegistryService.Limits(maxLineageEntries: 2))
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.createVersion(modelName: "fraud", NewVersion(lineage: lineage), actor: alice)
        }
        #expect(try await service.catalog.listVersions(modelName: "fraud", actor: alice).items.isEmpty)
        #expect(try await service.allEvents().count == 1)
        #expect(try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice).number == 1)
    }

    @Test("a NaN metric's message names the metric")
    func nanMessage() async throws {
        let error = await expectRegistryError(.invalidArgument) {
            try await create(NewVersion(lineage: VersionLineage(metrics: ["auc": .nan])))
        }
        #expect(error?.message.contains("auc") == true)
    }
}

import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("RegistryService: registered models")
struct RegistryServiceModelTests {
    let clock = ManualClock()
    let service: RegistryService

    init() {
        service = makeService(clock: clock)
    }

    @Test("a created model can be read back, owned by its creator, stamped with the clock")
    func createAndGet() async throws {
        let created = try await service.catalog.createModel(
            name: "fraud detector",
            description: "card fraud",
            tags: ["team": "risk"],
            actor: alice
        )
        #expect(created.createdBy == "alice")
        #expect(created.updatedBy == "alice")
        #expect(created.createdAt == clock.now())
        let read = try await service.catalog.model(named: "fraud detector", actor: alice)
        #expect(read == created)
    }

    @Test("creating a model whose name is taken fails with ALREADY_EXISTS and changes nothing")
    func duplicateName() async throws {
        let first = try await service.catalog.createModel(name: "fraud", description: "first", actor: alice)
        let error = await expectRegistryError(.alreadyExists) {
            try await service.catalog.createModel(name: "fraud", description: "second", actor: bob)
        }
        #expect(error?.message.contains("fraud") == true)
        #expect(try await service.catalog.model(named: "fraud", actor: alice) == first)
        #expect(try await service.allEvents().count == 1)
    }

    @Test("an invalid name is refused before anything is stored", arguments: ["", "a/b", "..", " x", "a@b", "a#b"])
    func invalidName(name: String) async throws {
        await expectRegistryError(.invalidArgument) { try await service.catalog.createModel(name: name, actor: alice) }
        #expect(try await service.catalog.listModels(actor: alice).items.isEmpty)
        #expect(try await service.allEvents().isEmpty)
    }

    @Test("reading a missing model is NOT_FOUND with a hint how to list models")
    func missingModel() async {
        let error = await expectRegistryError(.notFound) {
            try await service.catalog.model(named: "nope", actor: alice)
        }
        #expect(error?.message.contains("cairn models list") == true)
    }

    @Test("models are listed by name and filtered by substring, prefix and tags")
    func listAndFilter() async throws {
        for (name, tags) in [("b-churn", ["team": "growth"]), ("a-fraud", ["team": "risk"]), ("c-fraud2", [:])] {
            _ = try await service.catalog.createModel(name: name, tags: tags, actor: alice)
        }
        #expect(
            try await service.catalog.listModels(actor: alice).items.map(\.name) == ["a-fraud", "b-churn", "c-fraud2"]
        )
        let contains = try await service.catalog.listModels(filter: ModelFilter(nameContains: "fraud"), actor: alice)
        #expect(contains.items.map(\.name) == ["a-fraud", "c-fraud2"])
        #expect(
            try await service.catalog.listModels(filter: ModelFilter(namePrefix: "b"), actor: alice).items.map(\.name)
                == [
                    "b-churn"
                ]
        )
        let tagged = try await service.catalog.listModels(filter: ModelFilter(tags: ["team": "risk"]), actor: alice)
        #expect(tagged.items.map(\.name) == ["a-fraud"])
        #expect(
            try await service.catalog.listModels(filter: ModelFilter(tags: ["team": "nobody"]), actor: alice).items
                .isEmpty
        )
    }

    @Test("pages neither skip nor repeat models while models are inserted between pages")
    func paginationUnderInserts() async throws {
        for name in ["a", "c", "e", "g", "i"] { _ = try await service.catalog.createModel(name: name, actor: alice) }
        let first = try await service.catalog.listModels(limit: 2, actor: alice)
        #expect(first.items.map(\.name) == ["a", "c"])
        let token = try #require(first.nextPageToken)
        for name in ["b", "d", "h"] { _ = try await service.catalog.createModel(name: name, actor: alice) }
        let second = try await service.catalog.listModels(pageToken: token, limit: 2, actor: alice)
        #expect(second.items.map(\.name) == ["d", "e"])
        let secondToken = try #require(second.nextPageToken)
        let third = try await service.catalog.listModels(pageToken: secondToken, limit: 2, actor: alice)
        #expect(third.items.map(\.name) == ["g", "h"])
        let thirdToken = try #require(third.nextPageToken)
        let last = try await service.catalog.listModels(pageToken: thirdToken, limit: 2, actor: alice)
        #expect(last.items.map(\.name) == ["i"])
        #expect(last.nextPageToken == nil)
    }

    @Test("an exactly full last page has no next token")
    func fullLastPage() async throws {
        for name in ["a", "b", "c", "d"] { _ = try await service.catalog.createModel(name: name, actor: alice) }
        let first = try await service.catalog.listModels(limit: 2, actor: alice)
        let firstToken = try #require(first.nextPageToken)
        let second = try await service.catalog.listModels(pageToken: firstToken, limit: 2, actor: alice)
        #expect(second.items.map(\.name) == ["c", "d"])
        #expect(second.nextPageToken == nil)
    }

    @Test("a garbage page token or an out-of-range page size is INVALID_ARGUMENT")
    func badPaging() async {
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.listModels(pageToken: "garbage!", actor: alice)
        }
        await expectRegistryError(.invalidArgument) { try await service.catalog.listModels(limit: 0, actor: alice) }
        await expectRegistryError(.invalidArgument) { try await service.catalog.listModels(limit: 1001, actor: alice) }
    }

    @Test("updating the description records who and when, keeping the creator")
    func updateDescription() async throws {
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        clock.advance(by: 60)
        let updated = try await service.catalog.updateModel(name: "fraud", description: "v2 of the docs", actor: bob)
        #expect(updated.description == "v2 of the docs")
        #expect(updated.createdBy == "alice")
        #expect(updated.updatedBy == "bob")
        #expect(updated.updatedAt == clock.now())
        #expect(try await service.catalog.model(named: "fraud", actor: alice) == updated)
    }

    @Test("an over-long or NUL-carrying description is refused and changes nothing")
    func invalidDescription() async throws {
        let service = makeService(limits: RegistryService.Limits(maxDescriptionBytes: 10))
        let model = try await service.catalog.createModel(name: "fraud", description: "short", actor: alice)
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.updateModel(name: "fraud", description: "far too long here", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.updateModel(name: "fraud", description: "a\u{0}b", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.createModel(
                name: "other",
                description: String(repeating: "x", count: 11),
                actor: alice
            )
        }
        #expect(try await service.catalog.model(named: "fraud", actor: alice) == model)
        #expect(try await service.allEvents().count == 1)
    }

    @Test("after a rename the old name stops resolving and versions follow the model")
    func rename() async throws {
        let model = try await service.catalog.createModel(name: "old", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "old", NewVersion(), actor: alice)
        let renamed = try await service.catalog.renameModel(name: "old", to: "new", actor: bob)
        #expect(renamed.id == model.id)
        #expect(renamed.name == "new")
        await expectRegistryError(.notFound) { try await service.catalog.model(named: "old", actor: alice) }
        await expectRegistryError(.notFound) {
            try await service.catalog.version(modelName: "old", number: 1, actor: alice)
        }
        #expect(try await service.catalog.model(named: "new", actor: alice).id == model.id)
        #expect(try await service.catalog.version(modelName: "new", number: 1, actor: alice).modelName == "new")
        #expect(try await service.catalog.listModels(actor: alice).items.map(\.name) == ["new"])
    }

    @Test("renaming onto an existing name fails with ALREADY_EXISTS and leaves both models as they were")
    func renameCollision() async throws {
        let a = try await service.catalog.createModel(name: "a", actor: alice)
        let b = try await service.catalog.createModel(name: "b", actor: alice)
        await expectRegistryError(.alreadyExists) {
            try await service.catalog.renameModel(name: "a", to: "b", actor: alice)
        }
        #expect(try await service.catalog.model(named: "a", actor: alice) == a)
        #expect(try await service.catalog.model(named: "b", actor: alice) == b)
        #expect(try await service.allEvents().count == 2)
    }

    @Test("renaming a missing model is NOT_FOUND; renaming to an invalid name is INVALID_ARGUMENT")
    func renameErrors() async throws {
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        await expectRegistryError(.notFound) { try await service.catalog.renameModel(name: "x", to: "y", actor: alice) }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.renameModel(name: "a", to: "a/b", actor: alice)
        }
        #expect(try await service.catalog.model(named: "a", actor: alice).name == "a")
    }

    @Test("deleting a model removes it with its versions; the name can be reused from version 1")
    func delete() async throws {
        let old = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        try await service.catalog.deleteModel(name: "fraud", actor: carol)
        await expectRegistryError(.notFound) { try await service.catalog.model(named: "fraud", actor: alice) }
        await expectRegistryError(.notFound) { try await service.catalog.deleteModel(name: "fraud", actor: carol) }
        let reborn = try await service.catalog.createModel(name: "fraud", actor: alice)
        #expect(reborn.id != old.id)
        #expect(try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice).number == 1)
        #expect(try await service.catalog.listVersions(modelName: "fraud", actor: alice).items.map(\.number) == [1])
    }

    @Test("model tags are set, overwritten and deleted; deleting a missing tag is NOT_FOUND")
    func tags() async throws {
        _ = try await service.catalog.createModel(name: "fraud", tags: ["a": "1"], actor: alice)
        _ = try await service.catalog.setModelTag(name: "fraud", key: "b", value: "2", actor: alice)
        let overwritten = try await service.catalog.setModelTag(name: "fraud", key: "a", value: "one", actor: bob)
        #expect(overwritten.tags == ["a": "one", "b": "2"])
        #expect(overwritten.updatedBy == "bob")
        #expect(try await service.catalog.model(named: "fraud", actor: alice).tags == ["a": "one", "b": "2"])
        let deleted = try await service.catalog.deleteModelTag(name: "fraud", key: "a", actor: alice)
        #expect(deleted.tags == ["b": "2"])
        #expect(try await service.catalog.model(named: "fraud", actor: alice).tags == ["b": "2"])
        await expectRegistryError(.notFound) {
            try await service.catalog.deleteModelTag(name: "fraud", key: "a", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.setModelTag(name: "fraud", key: "", value: "x", actor: alice)
        }
        await expectRegistryError(.notFound) {
            try await service.catalog.setModelTag(name: "missing", key: "k", value: "x", actor: alice)
        }
        #expect(try await service.catalog.model(named: "fraud", actor: alice).tags == ["b": "2"])
    }
}

import CairnCore
import Testing

// MARK: - Models

extension MetadataStoreConformance {
    static let modelCases: [MetadataStoreConformanceCase] = [
        .init("an inserted model reads back by name with its tags and millisecond timestamps") { store in
            let model = try await insert(store, model("fraud", tags: ["team": "risk", "tier": "1"]))
            #expect(try await store.read { try await $0.model(named: "fraud") } == model)
            let inside = try await store.write { try await $0.model(named: "fraud") }
            #expect(inside == model)
            #expect(try await store.read { try await $0.model(named: "Fraud") } == nil)
        },
        .init("a model name and a model id are each taken only once") { store in
            try await insert(store, model("fraud"))
            await expectCode(.alreadyExists) { try await insert(store, model("fraud", id: "other")) }
            await expectCode(.alreadyExists) { try await insert(store, model("other", id: "m-fraud")) }
            #expect(
                try await store.read { try await $0.models(matching: .init(), afterName: nil, limit: 10) }.count == 1
            )
        },
        .init("names that differ only in Unicode normalization are different models") { store in
            try await insert(store, model("caf\u{E9}", id: "nfc"))
            try await insert(store, model("cafe\u{301}", id: "nfd"))
            #expect(try await store.read { try await $0.model(named: "caf\u{E9}") }?.id == "nfc")
            #expect(try await store.read { try await $0.model(named: "cafe\u{301}") }?.id == "nfd")
        },
        .init("updating a model changes its name, description and update stamp; the old name is gone") { store in
            var model = try await insert(store, model("fraud", tags: ["team": "risk"]))
            model.name = "fraud-v2"
            model.description = "new"
            model.updatedAt = at(99)
            model.updatedBy = "carol"
            try await store.write { [model] in try await $0.updateModel(model) }
            #expect(try await store.read { try await $0.model(named: "fraud-v2") } == model)
            #expect(try await store.read { try await $0.model(named: "fraud") } == nil)
        },
        .init("a rename onto a taken name throws alreadyExists and changes nothing") { store in
            try await insert(store, model("a"))
            var b = try await insert(store, model("b"))
            b.name = "a"
            await expectCode(.alreadyExists) { try await store.write { [b] in try await $0.updateModel(b) } }
            #expect(try await store.read { try await $0.model(named: "b") }?.id == "m-b")
            #expect(try await store.read { try await $0.model(named: "a") }?.id == "m-a")
        },
        .init("changing or numbering a model that does not exist throws notFound") { store in
            await expectCode(.notFound) { try await store.write { try await $0.updateModel(model("ghost")) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.replaceModelTags(modelID: "m-ghost", tags: ["a": "b"]) }
            }
            await expectCode(.notFound) { try await store.write { try await $0.allocateVersionNumber(modelID: "m-x") } }
        },
        .init("replacing tags replaces the whole set") { store in
            let model = try await insert(store, model("fraud", tags: ["team": "risk", "tier": "1"]))
            try await store.write { try await $0.replaceModelTags(modelID: model.id, tags: ["tier": "2", "new": ""]) }
            #expect(try await store.read { try await $0.model(named: "fraud") }?.tags == ["tier": "2", "new": ""])
            try await store.write { try await $0.replaceModelTags(modelID: model.id, tags: [:]) }
            #expect(try await store.read { try await $0.model(named: "fraud") }?.tags == [:])
        },
        .init("models list by name in code-point order, filtered by substring, prefix and tags") { store in
            for (name, tags) in [
                ("search-ranker", ["team": "search", "tier": "1"]), ("Search-legacy", ["team": "search"]),
                ("fraud", ["team": "risk", "tier": "1"]), ("search-embedder", ["team": "search", "tier": "2"]),
                ("ads-search", [:]),
            ] {
                try await insert(store, model(name, tags: tags))
            }
            func list(_ filter: ModelFilter, after: String? = nil, limit: Int = 100) async throws -> [String] {
                names(try await store.read { try await $0.models(matching: filter, afterName: after, limit: limit) })
            }
            #expect(
                try await list(.init())
                    == ["Search-legacy", "ads-search", "fraud", "search-embedder", "search-ranker"]
            )
            #expect(
                try await list(.init(nameContains: "search")) == ["ads-search", "search-embedder", "search-ranker"]
            )
            #expect(try await list(.init(namePrefix: "search")) == ["search-embedder", "search-ranker"])
            #expect(try await list(.init(namePrefix: "search-e")) == ["search-embedder"])
            #expect(try await list(.init(tags: ["tier": "1"])) == ["fraud", "search-ranker"])
            #expect(try await list(.init(tags: ["team": "search", "tier": "2"])) == ["search-embedder"])
            #expect(try await list(.init(nameContains: "rank", tags: ["team": "search"])) == ["search-ranker"])
            #expect(try await list(.init(tags: ["team": "Search"])).isEmpty)
            #expect(try await list(.init(), after: "fraud", limit: 1) == ["search-embedder"])
            #expect(try await list(.init(), limit: 0).isEmpty)
            let listed = try await store.read { try await $0.models(matching: .init(), afterName: "fraud", limit: 1) }
            #expect(listed.first?.tags == ["team": "search", "tier": "2"])
        },
        .init("keyset pages by name stay correct when models are inserted between pages") { store in
            for name in ["b", "d", "f", "h"] { try await insert(store, model(name)) }
            func page(after: String?) async throws -> [String] {
                names(try await store.read { try await $0.models(matching: .init(), afterName: after, limit: 2) })
            }
            let first = try await page(after: nil)
            #expect(first == ["b", "d"])
            for name in ["a", "c", "e"] { try await insert(store, model(name)) }
            let second = try await page(after: first.last)
            #expect(second == ["e", "f"])
            #expect(try await page(after: second.last) == ["h"])
            #expect(try await page(after: "h").isEmpty)
        },
    ]
}

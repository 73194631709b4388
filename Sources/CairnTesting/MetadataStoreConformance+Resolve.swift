import CairnCore
import Testing

// MARK: - Resolve

extension MetadataStoreConformance {
    static let resolveCases: [MetadataStoreConformanceCase] = [
        .init("resolve finds READY versions by number, latest, stage and alias, with their manifests") { store in
            let model = try await insert(store, model("fraud"))
            let files = [entry("MLmodel", "m"), entry("model.pkl", "p")]
            let v1 = try await addVersion(store, model, status: .ready, stage: .production, files: files)
            try await addVersion(store, model, status: .ready, stage: .staging, files: files)
            let v3 = try await addVersion(store, model, status: .ready, stage: .production, files: [entry("x", "3")])
            let v4 = try await addVersion(store, model, status: .ready, files: files)
            try await store.write {
                try await $0.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 1))
            }
            func resolve(_ reference: VersionReference) async throws -> ModelVersion? {
                try await store.resolve(modelName: "fraud", reference: reference)
            }
            let byNumber = try await resolve(.number(1))
            #expect(byNumber == v1)
            #expect(byNumber?.manifest == Manifest(entries: files))
            #expect(try await resolve(.latest) == v4)
            #expect(try await resolve(.stage(.production)) == v3)
            #expect(try await resolve(.stage(.staging))?.number == 2)
            #expect(try await resolve(.stage(.none))?.number == 4)
            #expect(try await resolve(.stage(.archived)) == nil)
            #expect(try await resolve(.alias("champion")) == v1)
        },
        .init("resolve never returns a version that is not READY") { store in
            let model = try await insert(store, model("fraud"))
            try await addVersion(store, model, status: .ready, stage: .production, files: [entry("a")])
            try await addVersion(store, model, status: .pending, stage: .production)
            try await addVersion(store, model, status: .failed, stage: .production)
            try await store.write {
                try await $0.setAlias(modelID: model.id, alias: ModelAlias(alias: "next", version: 2))
            }
            func resolve(_ reference: VersionReference) async throws -> Int? {
                let version = try await store.resolve(modelName: "fraud", reference: reference)
                return version?.number
            }
            #expect(try await resolve(.latest) == 1)
            #expect(try await resolve(.stage(.production)) == 1)
            #expect(try await resolve(.number(2)) == nil)
            #expect(try await resolve(.number(3)) == nil)
            #expect(try await resolve(.alias("next")) == nil)
        },
        .init("resolve returns nil for unknown models, numbers and aliases, and follows renames") { store in
            var model = try await insert(store, model("fraud"))
            try await addVersion(store, model, status: .ready, files: [entry("a")])
            #expect(try await store.resolve(modelName: "nope", reference: .latest) == nil)
            #expect(try await store.resolve(modelName: "fraud", reference: .number(7)) == nil)
            #expect(try await store.resolve(modelName: "fraud", reference: .alias("champion")) == nil)
            model.name = "fraud-2"
            try await store.write { [model] in try await $0.updateModel(model) }
            #expect(try await store.resolve(modelName: "fraud", reference: .latest) == nil)
            #expect(try await store.resolve(modelName: "fraud-2", reference: .latest)?.modelName == "fraud-2")
        },
    ]
}

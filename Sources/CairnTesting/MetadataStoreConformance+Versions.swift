import CairnCore
import Testing

// MARK: - Versions

extension MetadataStoreConformance {
    static let versionCases: [MetadataStoreConformanceCase] = [
        .init("version numbers count up per model and are never reused after a delete") { store in
            let a = try await insert(store, model("a"))
            let b = try await insert(store, model("b"))
            let a1 = try await addVersion(store, a)
            let a2 = try await addVersion(store, a)
            #expect(a1.number == 1)
            #expect(a2.number == 2)
            #expect(try await addVersion(store, b).number == 1)
            try await store.write { try await $0.deleteVersion(id: a2.id) }
            #expect(try await addVersion(store, a).number == 3)
        },
        .init("an inserted version reads back whole, and shows its model's current name") { store in
            var model = try await insert(store, model("fraud"))
            let id = model.id
            let version = try await addVersion(store, model)
            #expect(try await store.read { try await $0.version(modelID: id, number: 1) } == version)
            #expect(try await store.read { try await $0.version(modelID: id, number: 2) } == nil)
            model.name = "fraud-renamed"
            try await store.write { [model] in try await $0.updateModel(model) }
            let renamed = try await store.read { try await $0.version(modelID: id, number: 1) }
            #expect(renamed?.modelName == "fraud-renamed")
            #expect(renamed?.lineage == version.lineage)
        },
        .init("a version number is taken once per model, and a version needs its model") { store in
            let model = try await insert(store, model("fraud"))
            var version = try await addVersion(store, model)
            version.id = "another-id"
            await expectCode(.alreadyExists) {
                try await store.write { [version] in try await $0.insertVersion(version) }
            }
            version.modelID = "m-ghost"
            await expectCode(.notFound) { try await store.write { [version] in try await $0.insertVersion(version) } }
        },
        .init("updating a version changes only its mutable fields") { store in
            let model = try await insert(store, model("fraud"))
            let original = try await addVersion(store, model, files: [entry("model.bin")])
            var changed = original
            changed.status = .ready
            changed.statusMessage = "sealed"
            changed.stage = .production
            changed.description = "best"
            changed.tags = ["k": "v"]
            changed.manifest = Manifest(entries: [entry("model.bin")])
            changed.lineage.runMetrics = ["auc": 0.91, "loss": -1.5e-300]
            changed.updatedAt = at(500)
            changed.updatedBy = "carol"
            var immutable = changed
            immutable.lineage = VersionLineage(source: "elsewhere", runMetrics: changed.lineage.runMetrics)
            immutable.createdBy = "mallory"
            immutable.createdAt = at(400)
            try await store.write { [immutable] in try await $0.updateVersion(immutable) }
            #expect(try await store.read { try await $0.version(modelID: model.id, number: 1) } == changed)
            var ghost = changed
            ghost.id = "ghost"
            await expectCode(.notFound) { try await store.write { [ghost] in try await $0.updateVersion(ghost) } }
        },
        .init("versions list newest first, paged by number") { store in
            let model = try await insert(store, model("fraud"))
            for _ in 1...5 { try await addVersion(store, model) }
            func numbers(before: Int?, limit: Int) async throws -> [Int] {
                try await store.read {
                    try await $0.versions(modelID: model.id, stage: nil, beforeNumber: before, limit: limit)
                }
                .map(\.number)
            }
            #expect(try await numbers(before: nil, limit: 2) == [5, 4])
            #expect(try await numbers(before: 4, limit: 2) == [3, 2])
            #expect(try await numbers(before: 2, limit: 2) == [1])
            #expect(try await numbers(before: nil, limit: 0).isEmpty)
            #expect(
                try await store.read { try await $0.versions(modelID: "m-x", stage: nil, beforeNumber: nil, limit: 9) }
                    .isEmpty
            )
        },
        .init("versions in one stage list newest first, paged by number, and no other model's") { store in
            let (model, other) = (try await insert(store, model("fraud")), try await insert(store, model("churn")))
            let stages: [Stage] = [.production, .archived, .production, .none, .production, .staging]
            for stage in stages { try await addVersion(store, model, status: .ready, stage: stage) }
            try await addVersion(store, other, status: .ready, stage: .production)
            func numbers(_ stage: Stage, before: Int?, limit: Int) async throws -> [Int] {
                try await store.read {
                    try await $0.versions(modelID: model.id, stage: stage, beforeNumber: before, limit: limit)
                }
                .map(\.number)
            }
            #expect(try await numbers(.production, before: nil, limit: 10) == [5, 3, 1])
            #expect(try await numbers(.production, before: nil, limit: 1) == [5])
            #expect(try await numbers(.production, before: 5, limit: 1) == [3])
            #expect(try await numbers(.production, before: 1, limit: 10).isEmpty)
            #expect(try await numbers(.staging, before: nil, limit: 10) == [6])
            #expect(try await numbers(.none, before: nil, limit: 10) == [4])
            #expect(try await numbers(.archived, before: nil, limit: 0).isEmpty)
        },
        .init("deleting a version removes its files and the aliases pointing at it, and nothing else") { store in
            let model = try await insert(store, model("fraud"))
            let v1 = try await addVersion(store, model, status: .ready, files: [entry("a", "1"), entry("b", "2")])
            let v2 = try await addVersion(store, model, status: .ready, files: [entry("a", "1")])
            try await store.write { tx in
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 1))
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "old", version: 1))
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "challenger", version: 2))
            }
            try await store.write { try await $0.deleteVersion(id: v1.id) }
            try await store.write { try await $0.deleteVersion(id: v1.id) }
            let id = model.id
            let (version, v1Files, v2Files, aliases, refsA, refsB) = try await store.read { reader in
                (
                    try await reader.version(modelID: id, number: 1), try await reader.files(versionID: v1.id),
                    try await reader.files(versionID: v2.id), try await reader.aliases(modelID: id),
                    try await reader.references(to: entry("a", "1").digest),
                    try await reader.references(to: entry("b", "2").digest)
                )
            }
            #expect(version == nil)
            #expect(v1Files.isEmpty)
            #expect(v2Files == [entry("a", "1")])
            #expect(aliases == [ModelAlias(alias: "challenger", version: 2)])
            #expect(refsA == 1)
            #expect(refsB == 0)
        },
        .init("pending versions created before a date are listed oldest first") { store in
            let a = try await insert(store, model("a"))
            let b = try await insert(store, model("b"))
            let old = try await addVersion(store, b, createdAt: at(100))
            try await addVersion(store, a, status: .ready, createdAt: at(50))
            let older = try await addVersion(store, a, createdAt: at(60))
            try await addVersion(store, a, createdAt: at(200))
            try await addVersion(store, a, status: .failed, createdAt: at(70))
            let pending = try await store.read { try await $0.pendingVersions(createdBefore: at(200), limit: 10) }
            #expect(pending.map(\.id) == [older.id, old.id])
            #expect(pending.last?.modelName == "b")
            #expect(try await store.read { try await $0.pendingVersions(createdBefore: at(200), limit: 1) }.count == 1)
            #expect(try await store.read { try await $0.pendingVersions(createdBefore: at(60), limit: 9) }.isEmpty)
        },
    ]
}

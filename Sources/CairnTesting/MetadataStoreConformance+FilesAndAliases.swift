import CairnCore
import Testing

// MARK: - Files, aliases, deletion

extension MetadataStoreConformance {
    static let fileAndAliasCases: [MetadataStoreConformanceCase] = [
        .init("files are put, replaced by path, listed by path and removed") { store in
            let model = try await insert(store, model("fraud"))
            let version = try await addVersion(store, model)
            try await store.write { tx in
                try await tx.putFile(versionID: version.id, entry: entry("weights/b.bin", "b"))
                try await tx.putFile(versionID: version.id, entry: entry("MLmodel", "m"))
                try await tx.putFile(versionID: version.id, entry: entry("weights/a.bin", "a"))
                try await tx.putFile(versionID: version.id, entry: entry("weights/b.bin", "b2"))
            }
            let files = try await store.read { try await $0.files(versionID: version.id) }
            #expect(files == [entry("MLmodel", "m"), entry("weights/a.bin", "a"), entry("weights/b.bin", "b2")])
            try await store.write { try await $0.removeFiles(versionID: version.id) }
            #expect(try await store.read { try await $0.files(versionID: version.id) }.isEmpty)
            await expectCode(.notFound) {
                try await store.write { try await $0.putFile(versionID: "ghost", entry: entry("x")) }
            }
        },
        .init("references count file entries of any version and model, pending or sealed") { store in
            let a = try await insert(store, model("a"))
            let b = try await insert(store, model("b"))
            let shared = entry("model.bin", "shared bytes")
            try await addVersion(store, a, status: .ready, files: [shared, entry("copy.bin", "shared bytes")])
            try await addVersion(store, a, files: [shared])
            let onB = try await addVersion(store, b, files: [shared])
            #expect(try await store.read { try await $0.references(to: shared.digest) } == 4)
            try await store.write { try await $0.removeFiles(versionID: onB.id) }
            #expect(try await store.read { try await $0.references(to: shared.digest) } == 3)
            #expect(try await store.read { try await $0.references(to: entry("x", "unknown").digest) } == 0)
        },
        .init("aliases are set, moved, listed by name and deleted") { store in
            let model = try await insert(store, model("fraud"))
            try await store.write { tx in
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "challenger", version: 2))
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 1))
                try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "Zed", version: 1))
            }
            try await store.write {
                try await $0.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 2))
            }
            #expect(
                try await store.read { try await $0.aliases(modelID: model.id) } == [
                    ModelAlias(alias: "Zed", version: 1), ModelAlias(alias: "challenger", version: 2),
                    ModelAlias(alias: "champion", version: 2),
                ]
            )
            #expect(try await store.write { try await $0.deleteAlias(modelID: model.id, alias: "Zed") })
            #expect(try await !store.write { try await $0.deleteAlias(modelID: model.id, alias: "Zed") })
            #expect(
                try await store.read { try await $0.aliases(modelID: model.id) }.map(\.alias) == [
                    "challenger", "champion",
                ]
            )
            await expectCode(.notFound) {
                try await store.write {
                    try await $0.setAlias(modelID: "m-ghost", alias: ModelAlias(alias: "a", version: 1))
                }
            }
        },
        .init("deleting a model removes its versions, files, aliases and tags, keeps events, and is idempotent") {
            store in
            let doomed = try await insert(store, model("doomed", tags: ["t": "1"]))
            let kept = try await insert(store, model("kept", tags: ["t": "1"]))
            let shared = entry("model.bin", "bytes")
            let gone = try await addVersion(store, doomed, status: .ready, files: [shared])
            try await addVersion(store, kept, status: .ready, files: [shared])
            try await store.write { tx in
                try await tx.setAlias(modelID: doomed.id, alias: ModelAlias(alias: "champion", version: 1))
                try await tx.setAlias(modelID: kept.id, alias: ModelAlias(alias: "champion", version: 1))
                try await tx.appendEvent(event(1))
                try await tx.deleteModel(id: doomed.id)
            }
            try await store.write { try await $0.deleteModel(id: doomed.id) }
            let (model, version, files, aliases) = try await store.read { reader in
                (
                    try await reader.model(named: "doomed"), try await reader.version(modelID: doomed.id, number: 1),
                    try await reader.files(versionID: gone.id), try await reader.aliases(modelID: doomed.id)
                )
            }
            #expect(model == nil)
            #expect(version == nil)
            #expect(files.isEmpty)
            #expect(aliases.isEmpty)
            let (references, tagged, keptAliases, last) = try await store.read { reader in
                (
                    try await reader.references(to: shared.digest),
                    try await reader.models(matching: .init(tags: ["t": "1"]), afterName: nil, limit: 9),
                    try await reader.aliases(modelID: kept.id), try await reader.lastEvent()
                )
            }
            #expect(references == 1)
            #expect(names(tagged) == ["kept"])
            #expect(keptAliases.count == 1)
            #expect(last?.sequence == 1)
            #expect(try await store.resolve(modelName: "doomed", reference: .alias("champion")) == nil)
            #expect(try await store.resolve(modelName: "kept", reference: .alias("champion"))?.number == 1)
        },
    ]
}

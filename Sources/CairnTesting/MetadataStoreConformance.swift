import CairnCore
import Foundation
import Testing

/// One behaviour every `MetadataStore` must have, run against a fresh, empty store.
public struct MetadataStoreConformanceCase: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (any MetadataStore) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any MetadataStore) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    /// Runs the case on `store`, which must be new and empty.
    public func run(_ store: any MetadataStore) async throws { try await body(store) }
}

/// The shared conformance suite of the `MetadataStore` port, driven through the port itself (not the service). A
/// backend's test file only plugs in:
///
///     @Test(arguments: MetadataStoreConformance.cases)
///     func conformance(_ c: MetadataStoreConformanceCase) async throws { try await c.run(makeStore()) }
///
/// The suite pins what the service relies on and what the port leaves to the store: unique names and numbers
/// (`.alreadyExists`), missing parents and updates of missing rows (`.notFound`), idempotent deletes, code-point
/// order and equality of names, millisecond timestamps, all-or-nothing write transactions that run one at a time,
/// reads that never wait for nor see an uncommitted write, and `resolve` returning only `READY` versions. (One file,
/// longer than usual, so that every backend runs the same list.)
public enum MetadataStoreConformance {
    public static let cases: [MetadataStoreConformanceCase] =
        modelCases + versionCases + fileAndAliasCases
        + resolveCases + eventAndTransactionCases
}

// MARK: - Fixtures

extension MetadataStoreConformance {
    /// A whole-millisecond time, `ms` after 2023-11-14T22:13:20Z.
    static func at(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(1_700_000_000_000 + ms) / 1000) }

    static func model(_ name: String, id: String? = nil, tags: [String: String] = [:]) -> RegisteredModel {
        RegisteredModel(
            id: id ?? "m-\(name)",
            name: name,
            description: "about \(name)",
            tags: tags,
            createdBy: "alice",
            createdAt: at(1),
            updatedAt: at(2),
            updatedBy: "bob"
        )
    }

    static func entry(_ path: String, _ content: String = "content") -> ManifestEntry {
        ManifestEntry(
            path: path,
            digest: Digest.of(Array(content.utf8)),
            size: Int64(content.utf8.count),
            mediaType: MediaType.guess(forPath: path)
        )
    }

    @discardableResult
    static func insert(_ store: any MetadataStore, _ model: RegisteredModel) async throws -> RegisteredModel {
        try await store.write { try await $0.insertModel(model) }
        return model
    }

    /// Allocates the next number of `model` and inserts a version with it.
    @discardableResult
    static func addVersion(
        _ store: any MetadataStore,
        _ model: RegisteredModel,
        status: VersionStatus = .pending,
        stage: Stage = .none,
        createdAt: Date = at(10),
        files: [ManifestEntry] = []
    ) async throws -> ModelVersion {
        try await store.write { tx in
            let number = try await tx.allocateVersionNumber(modelID: model.id)
            let version = ModelVersion(
                id: "\(model.id)-v\(number)",
                modelID: model.id,
                modelName: model.name,
                number: number,
                status: status,
                stage: stage,
                description: "version \(number)",
                tags: ["team": "search"],
                lineage: VersionLineage(
                    source: "s3://runs/\(number)",
                    runID: "run-\(number)",
                    datasets: [DatasetReference(name: "clicks", digest: "d1", context: "training")],
                    params: ["lr": "0.1"],
                    metrics: ["auc": 0.93],
                    signature: ModelSignature(inputs: "[{\"type\":\"double\"}]")
                ),
                manifest: status == .ready ? Manifest(entries: files) : nil,
                createdBy: "alice",
                createdAt: createdAt,
                updatedAt: createdAt,
                updatedBy: "alice"
            )
            try await tx.insertVersion(version)
            for file in files { try await tx.putFile(versionID: version.id, entry: file) }
            return version
        }
    }

    static func event(_ sequence: Int64, after previous: AuditEvent? = nil) -> AuditEvent {
        EventChain.next(
            after: previous,
            time: at(sequence * 1000),
            actor: "alice",
            action: "model.created",
            subject: "model/m\(sequence)",
            payload: "{\"n\":\(sequence)}"
        )
    }

    static func names(_ models: [RegisteredModel]) -> [String] { models.map(\.name) }

    /// Expects `body` to throw a `RegistryError` with `code`.
    static func expectCode<T>(
        _ code: RegistryError.Code,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as RegistryError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected RegistryError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Thrown by cases to abort a write transaction.
struct ConformanceAbort: Error {}

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
            changed.updatedAt = at(500)
            changed.updatedBy = "carol"
            var immutable = changed
            immutable.lineage = VersionLineage(source: "elsewhere")
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
                try await store.read { try await $0.versions(modelID: model.id, beforeNumber: before, limit: limit) }
                    .map(\.number)
            }
            #expect(try await numbers(before: nil, limit: 2) == [5, 4])
            #expect(try await numbers(before: 4, limit: 2) == [3, 2])
            #expect(try await numbers(before: 2, limit: 2) == [1])
            #expect(try await numbers(before: nil, limit: 0).isEmpty)
            #expect(try await store.read { try await $0.versions(modelID: "m-x", beforeNumber: nil, limit: 9) }.isEmpty)
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

// MARK: - Events and transactions

extension MetadataStoreConformance {
    static let eventAndTransactionCases: [MetadataStoreConformanceCase] = [
        .init("events append in order and read back after a sequence, at most a limit") { store in
            #expect(try await store.read { try await $0.lastEvent() } == nil)
            var appended: [AuditEvent] = []
            for sequence in Int64(1)...5 {
                let next = event(sequence, after: appended.last)
                try await store.write { try await $0.appendEvent(next) }
                appended.append(next)
            }
            #expect(try await store.read { try await $0.lastEvent() } == appended.last)
            #expect(try await store.read { try await $0.events(afterSequence: 0, limit: 100) } == appended)
            #expect(try await store.read { try await $0.events(afterSequence: 2, limit: 2) } == Array(appended[2...3]))
            #expect(try await store.read { try await $0.events(afterSequence: 5, limit: 10) }.isEmpty)
            #expect(EventChain.verify(try await store.read { try await $0.events(afterSequence: 0, limit: 9) }) == nil)
            let again = appended[1]
            await expectCode(.alreadyExists) { try await store.write { try await $0.appendEvent(again) } }
        },
        .init("a write body that throws rolls back everything it wrote and rethrows its error") { store in
            let model = try await insert(store, model("kept"))
            let kept = try await addVersion(store, model, status: .ready, files: [entry("a")])
            do {
                try await store.write { tx in
                    try await tx.insertModel(Self.model("new"))
                    _ = try await tx.allocateVersionNumber(modelID: model.id)
                    var changed = kept
                    changed.stage = .archived
                    try await tx.updateVersion(changed)
                    try await tx.putFile(versionID: kept.id, entry: entry("b"))
                    try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 1))
                    try await tx.replaceModelTags(modelID: model.id, tags: ["x": "y"])
                    try await tx.appendEvent(event(1))
                    #expect(try await tx.model(named: "new") != nil)
                    throw ConformanceAbort()
                }
                Issue.record("the write did not rethrow")
            } catch is ConformanceAbort {}
            let (new, stored, version, files, aliases, last) = try await store.read { reader in
                (
                    try await reader.model(named: "new"), try await reader.model(named: "kept"),
                    try await reader.version(modelID: model.id, number: 1), try await reader.files(versionID: kept.id),
                    try await reader.aliases(modelID: model.id), try await reader.lastEvent()
                )
            }
            #expect(new == nil)
            #expect(stored == model)
            #expect(version == kept)
            #expect(files == [entry("a")])
            #expect(aliases.isEmpty)
            #expect(last == nil)
            #expect(try await addVersion(store, model).number == 2)
        },
        .init("32 concurrent write transactions allocating version numbers get exactly 1…32") { store in
            let model = try await insert(store, model("busy"))
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 1...32 {
                    group.addTask {
                        try await store.write { tx in
                            let number = try await tx.allocateVersionNumber(modelID: model.id)
                            // The chain needs one writer at a time: the last event must be ours to extend.
                            let last = try await tx.lastEvent()
                            try await tx.appendEvent(event((last?.sequence ?? 0) + 1, after: last))
                            return number
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...32))
            let events = try await store.read { try await $0.events(afterSequence: 0, limit: 100) }
            #expect(events.count == 32)
            #expect(EventChain.verify(events) == nil)
        },
        .init("a read during a write transaction neither waits for it nor sees its uncommitted writes") { store in
            let (wrote, wroteSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            async let writing: Void = store.write { tx in
                try await tx.insertModel(Self.model("in-flight"))
                wroteSignal.yield()
                for await _ in release { break }
            }
            for await _ in wrote { break }
            // The writer is suspended holding its transaction open; these must complete now.
            #expect(try await store.read { try await $0.model(named: "in-flight") } == nil)
            #expect(try await store.resolve(modelName: "in-flight", reference: .latest) == nil)
            releaseSignal.yield()
            try await writing
            #expect(try await store.read { try await $0.model(named: "in-flight") } != nil)
        },
    ]
}

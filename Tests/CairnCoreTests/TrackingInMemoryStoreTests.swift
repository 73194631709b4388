import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("InMemoryMetadataStore: tracking and lineage queries")
struct TrackingInMemoryStoreTests {
    let store = InMemoryMetadataStore()
    let date = Date(timeIntervalSince1970: 1_700_000_000)

    func experiment(_ id: String, _ name: String) -> Experiment {
        Experiment(id: id, name: name, artifactLocation: "mlflow-artifacts:/\(id)", createdAt: date, updatedAt: date)
    }

    @Test("params are inserted once and never overwritten; runs need their experiment")
    func params() async throws {
        let run = try await store.write { tx in
            try await tx.insertExperiment(experiment("0", "Default"))
            let run = Run(id: "r1", experimentID: "0", name: "r", userID: "u", artifactURI: "x", params: ["a": "1"])
            try await tx.insertRun(run)
            try await tx.putRunParams(runID: "r1", params: ["a": "2", "b": "3"])
            return try await tx.run(id: "r1")
        }
        #expect(run?.params == ["a": "1", "b": "3"])
        await expectRegistryError(.notFound) {
            try await store.write { tx in
                try await tx.insertRun(Run(id: "r2", experimentID: "9", name: "r", userID: "u", artifactURI: "x"))
            }
        }
    }

    @Test("artifacts count as references to their blob; deletes take the directory and below only")
    func artifacts() async throws {
        let digest = Digest.of(Array("x".utf8))
        let removed = try await store.write { tx in
            for path in ["a/b", "a/c/d", "ab"] {
                try await tx.putArtifact(ArtifactEntry(path: path, digest: digest, size: 1, updatedAt: date))
            }
            #expect(try await tx.references(to: digest) == 3)
            #expect(try await tx.artifacts(under: "a", limit: 10).map(\.path) == ["a/b", "a/c/d"])
            return try await tx.deleteArtifacts(under: "a").map(\.path)
        }
        #expect(removed == ["a/b", "a/c/d"])
        #expect(try await store.read { try await $0.references(to: digest) } == 1)
    }

    @Test("model filter clauses apply in models(matching:)")
    func modelClauses() async throws {
        let service = makeService(store: store)
        _ = try await service.catalog.createModel(name: "fraud", tags: ["team": "risk"], actor: alice)
        _ = try await service.catalog.createModel(name: "churn", actor: alice)
        let filter = ModelFilter(clauses: [ModelFilterClause(field: .tag("team"), op: .notEqual, value: "risk")])
        let names = try await store.read { try await $0.models(matching: filter, afterName: nil, limit: 10) }
        #expect(names.map(\.name) == ["churn"])
    }

    @Test("versions are found by id and by the run they came from")
    func versionLookups() async throws {
        let service = makeService(store: store)
        _ = try await service.catalog.createModel(name: "b", actor: alice)
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        let fromRun = NewVersion(lineage: VersionLineage(runID: "run-1"))
        let v1 = try await service.catalog.createVersion(modelName: "b", fromRun, actor: alice)
        _ = try await service.catalog.createVersion(modelName: "b", NewVersion(), actor: alice)
        _ = try await service.catalog.createVersion(modelName: "a", fromRun, actor: alice)
        let byID = try await store.read { try await $0.version(id: v1.id) }
        #expect(byID?.modelName == "b")
        let byRun = try await store.read { try await $0.versions(modelID: nil, runID: "run-1", limit: 10) }
        #expect(byRun.map { "\($0.modelName)/\($0.number)" } == ["a/1", "b/1"])
        let all = try await store.read { try await $0.versions(modelID: v1.modelID, runID: nil, limit: 10) }
        #expect(all.map(\.number) == [2, 1])
    }
}

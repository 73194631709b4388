import CairnCore
import Testing

// MARK: - Artifacts, lineage queries and rollback of tracking writes

extension MetadataStoreConformance {
    static let artifactCases: [MetadataStoreConformanceCase] = [
        .init("an artifact is put, replaced and read back at its exact path only") { store in
            try await store.write { try await $0.putArtifact(artifact("a/model.pkl", "one")) }
            let replacement = artifact("a/model.pkl", "two", at: 30)
            try await store.write { try await $0.putArtifact(replacement) }
            #expect(try await store.read { try await $0.artifact(at: "a/model.pkl") } == replacement)
            for path in ["a", "a/", "a/model", "A/model.pkl", "a/model.pkl/x"] {
                #expect(try await store.read { try await $0.artifact(at: path) } == nil, "\(path)")
            }
        },
        .init("artifacts under a prefix are the path itself and below it, never siblings; % and _ are literal") {
            store in
            let paths = [
                "a", "a/x", "a/y/z", "ab", "ab/x", "a0", "a.txt", "a%/q", "a_/q", "ab%/q", "b/c", "%", "_x", "A/x",
                "a-/x", "é/x", "e/x",
            ]
            try await store.write { tx in for path in paths { try await tx.putArtifact(artifact(path, path)) } }
            func under(_ prefix: String, limit: Int = 100) async throws -> [String] {
                try await store.read { try await $0.artifacts(under: prefix, limit: limit) }.map(\.path)
            }
            #expect(try await under("a") == ["a", "a/x", "a/y/z"])
            #expect(try await under("a/y") == ["a/y/z"])
            #expect(try await under("a%") == ["a%/q"])
            #expect(try await under("a_") == ["a_/q"])
            #expect(try await under("%") == ["%"])
            #expect(try await under("_") == [])
            #expect(try await under("e") == ["e/x"])
            #expect(try await under("") == byCodePoint(paths))
            #expect(try await under("", limit: 3) == Array(byCodePoint(paths).prefix(3)))
            #expect(try await under("a", limit: 0) == [])
            let deleted = try await store.write { try await $0.deleteArtifacts(under: "a") }
            #expect(deleted == ["a", "a/x", "a/y/z"].map { artifact($0, $0) })
            #expect(try await store.write { try await $0.deleteArtifacts(under: "a_") }.map(\.path) == ["a_/q"])
            #expect(try await store.write { try await $0.deleteArtifacts(under: "zzz") }.isEmpty)
            let rest = byCodePoint(paths.filter { !["a", "a/x", "a/y/z", "a_/q"].contains($0) })
            #expect(try await under("") == rest)
            #expect(try await store.write { try await $0.deleteArtifacts(under: "") }.map(\.path) == rest)
            #expect(try await under("").isEmpty)
        },
        .init("references count version files and tracking artifacts alike") { store in
            let model = try await insert(store, model("fraud"))
            try await addVersion(store, model, status: .ready, files: [entry("model.bin", "shared")])
            let digest = entry("model.bin", "shared").digest
            try await store.write { tx in
                try await tx.putArtifact(artifact("1/r1/artifacts/model.bin", "shared"))
                try await tx.putArtifact(artifact("1/r2/artifacts/model.bin", "shared"))
                try await tx.putArtifact(artifact("1/r2/artifacts/other", "other"))
            }
            #expect(try await store.read { try await $0.references(to: digest) } == 3)
            _ = try await store.write { try await $0.deleteArtifacts(under: "1/r2") }
            #expect(try await store.read { try await $0.references(to: digest) } == 2)
            try await store.write { try await $0.putArtifact(artifact("1/r1/artifacts/model.bin", "changed")) }
            #expect(try await store.read { try await $0.references(to: digest) } == 1)
        },
    ]

    static let lineageCases: [MetadataStoreConformanceCase] = [
        .init("versions read back by id, and list by model name then number descending, by model and by run") {
            store in
            var b = try await insert(store, model("b"))
            let a = try await insert(store, model("a"))
            let b1 = try await addVersion(store, b)  // lineage run "run-1"
            let a1 = try await addVersion(store, a)  // "run-1"
            let a2 = try await addVersion(store, a)  // "run-2"
            var loose = a2
            loose.id = "no-run"
            loose.number = try await store.write { try await $0.allocateVersionNumber(modelID: a.id) }
            loose.lineage = VersionLineage()
            try await store.write { [loose] in try await $0.insertVersion(loose) }
            #expect(try await store.read { try await $0.version(id: a2.id) } == a2)
            #expect(try await store.read { try await $0.version(id: "ghost") } == nil)
            func ids(_ modelID: String?, _ runID: String?, _ limit: Int = 10) async throws -> [String] {
                try await store.read { try await $0.versions(modelID: modelID, runID: runID, limit: limit) }.map(\.id)
            }
            #expect(try await ids(nil, nil) == [loose.id, a2.id, a1.id, b1.id])
            #expect(try await ids(nil, "run-1") == [a1.id, b1.id])
            #expect(try await ids(nil, "run-1", 1) == [a1.id])
            #expect(try await ids(a.id, "run-1") == [a1.id])
            #expect(try await ids(a.id, nil) == [loose.id, a2.id, a1.id])
            #expect(try await ids(b.id, "run-2").isEmpty)
            #expect(try await ids(nil, "run-9").isEmpty)
            #expect(try await ids(nil, nil, 0).isEmpty)
            b.name = "0-first"
            try await store.write { [b] in try await $0.updateModel(b) }
            #expect(try await ids(nil, "run-1") == [b1.id, a1.id])
            #expect(try await store.read { try await $0.version(id: b1.id) }?.modelName == "0-first")
        },
        .init("a write body that throws rolls back every tracking change") { store in
            try await insertRuns(store, [trackingRun("r1", params: ["lr": "0.1"], tags: ["t": "1"])])
            try await store.write { tx in
                try await tx.insertLoggedModel(loggedModel("m-1"))
                try await tx.putArtifact(artifact("kept", "kept"))
            }
            let before = try await store.read { tx in
                (try await tx.experiments(in: []), try await tx.run(id: "r1"), try await tx.loggedModel(id: "m-1"))
            }
            do {
                try await store.write { tx in
                    #expect(try await tx.allocateExperimentID() == "2")
                    try await tx.insertExperiment(experiment("5", "new", tags: ["a": "b"]))
                    try await tx.updateExperiment(experiment("1", "renamed", stage: .deleted))
                    try await tx.replaceExperimentTags(experimentID: "1", tags: ["x": "y"])
                    try await tx.insertRun(trackingRun("r2", params: ["p": "1"]))
                    var run = trackingRun("r1")
                    run.status = .failed
                    try await tx.updateRun(run)
                    try await tx.putRunParams(runID: "r1", params: ["new": "1"])
                    try await tx.putRunTags(runID: "r1", tags: ["t": "2"])
                    _ = try await tx.deleteRunTag(runID: "r1", key: "t")
                    try await tx.appendMetrics(runID: "r1", points: [MetricPoint(key: "m", value: 1, timestamp: 1)])
                    try await tx.addRunInputs(
                        runID: "r1",
                        inputs: [
                            RunInput(dataset: DatasetRecord(name: "d", digest: "1", sourceType: "s", source: "{}"))
                        ]
                    )
                    try await tx.addRunOutputs(runID: "r1", outputs: [RunOutput(modelID: "m-1")])
                    try await tx.insertLoggedModel(loggedModel("m-2"))
                    var model = loggedModel("m-1")
                    model.status = .ready
                    try await tx.updateLoggedModel(model)
                    try await tx.putLoggedModelTags(modelID: "m-1", tags: ["x": "y"])
                    _ = try await tx.deleteLoggedModelTag(modelID: "m-1", key: "flavor")
                    try await tx.putArtifact(artifact("new", "new"))
                    _ = try await tx.deleteArtifacts(under: "kept")
                    throw ConformanceAbort()
                }
                Issue.record("the write did not rethrow")
            } catch is ConformanceAbort {}
            let after = try await store.read { tx in
                (try await tx.experiments(in: []), try await tx.run(id: "r1"), try await tx.loggedModel(id: "m-1"))
            }
            #expect(after.0 == before.0)
            #expect(after.1 == before.1)
            #expect(after.2 == before.2)
            let (run2, model2, paths, history) = try await store.read { tx in
                (
                    try await tx.run(id: "r2"), try await tx.loggedModel(id: "m-2"),
                    try await tx.artifacts(under: "", limit: 9).map(\.path),
                    try await tx.metricHistory(runID: "r1", key: "m", limit: 9)
                )
            }
            #expect(run2 == nil && model2 == nil && history.isEmpty)
            #expect(paths == ["kept"])
            #expect(try await store.write { try await $0.allocateExperimentID() } == "2")
        },
    ]
}

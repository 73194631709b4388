import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("RegistryService: registering versions from runs, logged models and artifacts")
struct RegistryServiceRegistrationTests {
    let service = makeService()
    let mlmodel = """
        artifact_path: model
        flavors:
          sklearn:
            serialization_format: skops
        signature:
          inputs: '[{"type": "double", "name": "f0", "required": true}]'
          outputs: '[{"type": "long", "required": true}]'
          params: null
        """

    func put(_ path: String, _ text: String) async throws {
        _ = try await service.tracking.uploadArtifact(path: path, expectedSize: nil, actor: alice) { upload in
            try await writeChunks(bytes(text), to: upload)
        }
    }

    /// An experiment, a run with params, metrics and a dataset, and a logged model with two files.
    func trainedModel() async throws -> (Run, LoggedModel) {
        try await service.tracking.bootstrapTracking()
        let experiment = try await service.tracking.createExperiment(name: "fraud-detection", actor: alice)
        let run = try await service.tracking.createRun(
            experimentID: experiment.id,
            name: "rf",
            userID: "alice",
            startTime: 1,
            tags: [:],
            actor: alice
        )
        try await service.tracking.logBatch(
            runID: run.id,
            metrics: [MetricPoint(key: "accuracy", value: 0.91, timestamp: 5)],
            params: ["n_estimators": "100"],
            tags: [:],
            actor: alice
        )
        let dataset = DatasetRecord(
            name: "train",
            digest: "52365d33",
            sourceType: "local",
            source: #"{"uri": "file:///d.npy"}"#
        )
        try await service.tracking.logInputs(
            runID: run.id,
            inputs: [RunInput(dataset: dataset, tags: [OrderedTag(key: "mlflow.data.context", value: "training")])],
            actor: alice
        )
        let model = try await service.tracking.createLoggedModel(
            experimentID: experiment.id,
            name: "model",
            sourceRunID: run.id,
            modelType: "",
            params: [:],
            tags: [:],
            actor: alice
        )
        let root = String(model.artifactLocation.dropFirst("mlflow-artifacts:/".count))
        try await put(root + "/MLmodel", mlmodel)
        try await put(root + "/model.skops", "weights")
        return (try await service.tracking.run(id: run.id, actor: alice), model)
    }

    @Test("a logged model registers as a READY version with its files and the run's lineage")
    func fromLoggedModel() async throws {
        let (run, model) = try await trainedModel()
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        let version = try await service.catalog.registerVersion(
            modelName: "fraud",
            source: "models:/\(model.id)",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        #expect(version.status == .ready && version.number == 1)
        #expect(version.manifest?.entries.map(\.path) == ["MLmodel", "model.skops"])
        #expect(version.lineage.runID == run.id && version.lineage.source == "models:/\(model.id)")
        #expect(version.lineage.params == ["n_estimators": "100"] && version.lineage.metrics == ["accuracy": 0.91])
        #expect(
            version.lineage.datasets == [
                DatasetReference(name: "train", digest: "52365d33", uri: "file:///d.npy", context: "training")
            ]
        )
        #expect(version.lineage.signature?.inputs == #"[{"type": "double", "name": "f0", "required": true}]"#)
        #expect(try await service.allEvents().last?.action == "version.registered")
    }

    @Test("the version keeps its files when the source's artifacts are deleted")
    func snapshotSurvivesDeletion() async throws {
        let (_, model) = try await trainedModel()
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.registerVersion(
            modelName: "fraud",
            source: "models:/\(model.id)",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        try await service.tracking.deleteArtifacts(
            path: String(model.artifactLocation.dropFirst("mlflow-artifacts:/".count)),
            actor: alice
        )
        let (_, stream) = try await service.catalog.openFile(
            modelName: "fraud",
            number: 1,
            path: "model.skops",
            actor: alice
        )
        #expect(try await collect(stream) == bytes("weights"))
        let uri = try await service.catalog.downloadURI(modelName: "fraud", number: 1, actor: alice)
        let view = String(uri.dropFirst("mlflow-artifacts:/".count))
        #expect(
            try await service.browseArtifacts(directory: view, actor: alice).map(\.path) == ["MLmodel", "model.skops"]
        )
        let read = try await service.readArtifact(path: view + "/model.skops", range: nil, actor: alice)
        #expect(try await collect(read.stream) == bytes("weights"))
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.uploadArtifact(path: view + "/x", expectedSize: nil, actor: alice) { _ in }
        }
    }

    @Test("runs:/ sources snapshot the run's artifacts, or fall back to the run's logged model of that name")
    func fromRun() async throws {
        let (run, _) = try await trainedModel()
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        let fallback = try await service.catalog.registerVersion(
            modelName: "fraud",
            source: "runs:/\(run.id)/model",
            runID: run.id,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        #expect(fallback.manifest?.entries.map(\.path) == ["MLmodel", "model.skops"])
        try await put("\(run.experimentID)/\(run.id)/artifacts/extra/notes.txt", "hello")
        let direct = try await service.catalog.registerVersion(
            modelName: "fraud",
            source: "runs:/\(run.id)/extra",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        #expect(direct.manifest?.entries.map(\.path) == ["notes.txt"] && direct.lineage.runID == run.id)
        let byPath = try await service.catalog.registerVersion(
            modelName: "fraud",
            source: "mlflow-artifacts:/\(run.experimentID)/\(run.id)/artifacts/extra",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        #expect(byPath.manifest?.entries.map(\.path) == ["notes.txt"] && byPath.lineage.runID == run.id)
    }

    @Test("models:/NAME/N copies a version; an unknown scheme is kept as an informational source")
    func copyAndExternal() async throws {
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        try await service.publishVersion(
            modelName: "a",
            files: ["w.bin": bytes("w")],
            NewVersion(lineage: VersionLineage(runID: "r9"))
        )
        _ = try await service.catalog.createModel(name: "b", actor: alice)
        let copy = try await service.catalog.registerVersion(
            modelName: "b",
            source: "models:/a/1",
            runID: nil,
            runLink: nil,
            description: "copy",
            tags: ["k": "v"],
            actor: alice
        )
        #expect(
            copy.manifest?.entries.map(\.path) == ["w.bin"] && copy.lineage.runID == "r9" && copy.tags == ["k": "v"]
        )
        let external = try await service.catalog.registerVersion(
            modelName: "b",
            source: "s3://bucket/model",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: alice
        )
        #expect(external.status == .ready && external.manifest?.entries.isEmpty == true)
        #expect(external.lineage.source == "s3://bucket/model")
    }

    @Test("a missing model, logged model or run is NOT_FOUND and registers nothing")
    func missing() async throws {
        try await service.tracking.bootstrapTracking()
        await expectRegistryError(.notFound) {
            try await service.catalog.registerVersion(
                modelName: "ghost",
                source: "s3://x",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: alice
            )
        }
        _ = try await service.catalog.createModel(name: "m", actor: alice)
        await expectRegistryError(.notFound) {
            try await service.catalog.registerVersion(
                modelName: "m",
                source: "models:/m-0123456789abcdef0123456789abcdef",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: alice
            )
        }
        await expectRegistryError(.notFound) {
            try await service.catalog.registerVersion(
                modelName: "m",
                source: "runs:/0123456789abcdef0123456789abcdef/model",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: alice
            )
        }
        #expect(try await service.catalog.listVersions(modelName: "m", actor: alice).items.isEmpty)
    }
}

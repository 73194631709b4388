import CairnCore
import Foundation
import Testing

// MARK: - Tracking fixtures

extension MetadataStoreConformance {
    static func experiment(
        _ id: String,
        _ name: String,
        stage: LifecycleStage = .active,
        tags: [String: String] = [:]
    ) -> Experiment {
        Experiment(
            id: id,
            name: name,
            artifactLocation: "mlflow-artifacts:/\(id)",
            lifecycleStage: stage,
            tags: tags,
            createdAt: at(3),
            updatedAt: at(4)
        )
    }

    /// A run of `experimentID` with no params, tags, metrics, inputs or outputs unless given.
    static func trackingRun(
        _ id: String,
        in experimentID: String = "1",
        start: Int64? = 1_000,
        stage: LifecycleStage = .active,
        params: [String: String] = [:],
        tags: [String: String] = [:]
    ) -> Run {
        Run(
            id: id,
            experimentID: experimentID,
            name: "run \(id)",
            userID: "alice",
            status: .running,
            startTime: start,
            lifecycleStage: stage,
            artifactURI: "mlflow-artifacts:/\(experimentID)/\(id)/artifacts",
            params: params,
            tags: tags
        )
    }

    static func loggedModel(
        _ id: String,
        in experimentID: String = "1",
        createdAt: Int64 = 10,
        stage: LifecycleStage = .active
    ) -> LoggedModel {
        LoggedModel(
            id: id,
            experimentID: experimentID,
            name: "model \(id)",
            sourceRunID: "r1",
            status: .pending,
            modelType: "sklearn",
            artifactLocation: "mlflow-artifacts:/\(experimentID)/models/\(id)/artifacts",
            params: ["alpha": "0.5"],
            tags: ["flavor": "sklearn"],
            lifecycleStage: stage,
            createdAt: at(createdAt),
            updatedAt: at(createdAt)
        )
    }

    static func artifact(_ path: String, _ content: String = "content", at time: Int64 = 20) -> ArtifactEntry {
        ArtifactEntry(
            path: path,
            digest: Digest.of(Array(content.utf8)),
            size: Int64(content.utf8.count),
            updatedAt: at(time)
        )
    }

    /// Inserts experiment "1" (named "exp") and the given runs of it.
    static func insertRuns(_ store: any MetadataStore, _ runs: [Run]) async throws {
        try await store.write { tx in
            if try await tx.experiment(id: "1") == nil { try await tx.insertExperiment(experiment("1", "exp")) }
            for run in runs { try await tx.insertRun(run) }
        }
    }

    /// The point a store reads back for `point` appended to `runID`: the same, with `runID` set.
    static func stored(_ point: MetricPoint, runID: String) -> MetricPoint {
        var point = point
        point.runID = runID
        return point
    }

    /// Whether two points are the same, comparing values by bit pattern (NaN never equals itself with `==`).
    static func same(_ a: MetricPoint, _ b: MetricPoint) -> Bool {
        var a = a
        var b = b
        guard a.value.isNaN == b.value.isNaN, a.value.isNaN || a.value.bitPattern == b.value.bitPattern else {
            return false
        }
        a.value = 0
        b.value = 0
        return a == b
    }

    /// Sorts strings by code point, the order stores list names and paths in.
    static func byCodePoint(_ strings: [String]) -> [String] {
        strings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

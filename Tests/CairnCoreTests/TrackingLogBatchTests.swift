import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: logging metrics, params and tags")
struct TrackingLogBatchTests {
    let service: RegistryService
    let run: Run

    init() async throws {
        service = makeService()
        try await service.tracking.bootstrapTracking()
        run = try await service.tracking.createRun(
            experimentID: "0",
            name: "r",
            userID: "u",
            startTime: 1,
            tags: [:],
            actor: alice
        )
    }

    func log(
        metrics: [MetricPoint] = [],
        params: [String: String] = [:],
        tags: [String: String] = [:]
    ) async throws {
        try await service.tracking.logBatch(runID: run.id, metrics: metrics, params: params, tags: tags, actor: alice)
    }

    @Test("a run shows the latest point per metric; the history has every point by step")
    func metrics() async throws {
        try await log(metrics: [
            MetricPoint(key: "loss", value: 0.5, timestamp: 10, step: 2),
            MetricPoint(key: "loss", value: 0.9, timestamp: 20, step: 1),
            MetricPoint(key: "acc", value: 0.7, timestamp: 5),
        ])
        try await log(metrics: [MetricPoint(key: "loss", value: 0.4, timestamp: 30, step: 2)])
        let loaded = try await service.tracking.run(id: run.id, actor: alice)
        #expect(loaded.metrics["loss"]?.value == 0.4)
        #expect(loaded.metrics["acc"]?.runID == run.id)
        let history = try await service.tracking.metricHistory(runID: run.id, key: "loss", limit: 25_000, actor: alice)
            .items
        #expect(history.map(\.value) == [0.9, 0.5, 0.4])
        #expect(
            try await service.tracking.metricHistory(runID: run.id, key: "loss", limit: 1, actor: alice).items.count
                == 1
        )
        #expect(
            try await service.tracking.metricHistory(runID: run.id, key: "none", limit: 10, actor: alice).items.isEmpty
        )
    }

    @Test("NaN and infinite metric values are kept")
    func nan() async throws {
        try await log(metrics: [
            MetricPoint(key: "n", value: .nan, timestamp: 1), MetricPoint(key: "i", value: -.infinity, timestamp: 1),
        ])
        let loaded = try await service.tracking.run(id: run.id, actor: alice)
        #expect(loaded.metrics["n"]?.value.isNaN == true)
        #expect(loaded.metrics["i"]?.value == -.infinity)
    }

    @Test("re-logging a param with the same value is fine; changing it is refused with MLflow's message")
    func paramChange() async throws {
        try await log(params: ["lr": "0.1"])
        try await log(params: ["lr": "0.1"])
        let error = await expectRegistryError(.invalidArgument) { try await log(params: ["lr": "0.2"]) }
        #expect(
            error?.message
                == "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' "
                + "for run ID='\(run.id)'. Attempted logging new value '0.2'."
        )
        #expect(try await service.tracking.run(id: run.id, actor: alice).params == ["lr": "0.1"])
    }

    @Test("a failing batch changes nothing")
    func atomic() async throws {
        try await log(params: ["lr": "0.1"])
        await expectRegistryError(.invalidArgument) {
            try await log(
                metrics: [MetricPoint(key: "loss", value: 1, timestamp: 1)],
                params: ["lr": "0.2", "depth": "3"],
                tags: ["team": "risk"]
            )
        }
        let loaded = try await service.tracking.run(id: run.id, actor: alice)
        #expect(loaded.metrics.isEmpty)
        #expect(loaded.params == ["lr": "0.1"])
        #expect(loaded.tags["team"] == nil)
    }

    @Test("MLflow's batch limits and key rules are enforced")
    func limits() async throws {
        let point = MetricPoint(key: "m", value: 1, timestamp: 1)
        try await log(metrics: Array(repeating: point, count: 1000))
        await expectRegistryError(.invalidArgument) { try await log(metrics: Array(repeating: point, count: 1001)) }
        let params = Dictionary(uniqueKeysWithValues: (0..<101).map { ("p\($0)", "v") })
        await expectRegistryError(.invalidArgument) { try await log(params: params) }
        let tags = Dictionary(uniqueKeysWithValues: (0..<101).map { ("t\($0)", "v") })
        await expectRegistryError(.invalidArgument) { try await log(tags: tags) }
        await expectRegistryError(.invalidArgument) { try await log(params: [String(repeating: "k", count: 251): "v"]) }
        try await log(params: ["long": String(repeating: "v", count: 6000)])
        await expectRegistryError(.invalidArgument) {
            try await log(params: ["longer": String(repeating: "v", count: 6001)])
        }
        await expectRegistryError(.invalidArgument) { try await log(params: ["bad*key": "v"]) }
        await expectRegistryError(.invalidArgument) { try await log(params: ["": "v"]) }
        try await log(params: ["ok key/with:all-the_chars.1": "v"])
    }

    @Test("tags overwrite; mlflow.runName renames the run")
    func tags() async throws {
        try await log(tags: ["k": "a"])
        try await log(tags: ["k": "b", "mlflow.runName": "renamed"])
        let loaded = try await service.tracking.run(id: run.id, actor: alice)
        #expect(loaded.tags["k"] == "b")
        #expect(loaded.name == "renamed")
    }

    @Test("telemetry appends no events")
    func noEvents() async throws {
        let before = try await service.allEvents().count
        try await log(metrics: [MetricPoint(key: "m", value: 1, timestamp: 1)], params: ["p": "1"], tags: ["t": "1"])
        let input = RunInput(dataset: DatasetRecord(name: "d", digest: "1", sourceType: "local", source: "{}"))
        try await service.tracking.logInputs(runID: run.id, inputs: [input], actor: alice)
        #expect(try await service.allEvents().count == before)
    }
}

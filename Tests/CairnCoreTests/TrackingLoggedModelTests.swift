import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: logged models")
struct TrackingLoggedModelTests {
    let clock = ManualClock()
    let service: RegistryService
    let run: Run

    init() async throws {
        service = makeService(clock: clock)
        try await service.tracking.bootstrapTracking()
        _ = try await service.tracking.createExperiment(name: "fraud", actor: alice)
        run = try await service.tracking.createRun(
            experimentID: "1",
            name: "r",
            userID: "u",
            startTime: 1,
            tags: [:],
            actor: alice
        )
    }

    func newModel(_ name: String = "model", params: [String: String] = [:]) async throws -> LoggedModel {
        clock.advance(by: 1)
        return try await service.tracking.createLoggedModel(
            experimentID: "1",
            name: name,
            sourceRunID: run.id,
            modelType: "sklearn",
            params: params,
            tags: ["mlflow.user": "root"],
            actor: alice
        )
    }

    @Test("a new logged model is PENDING with an m- id and MLflow's artifact location")
    func create() async throws {
        let model = try await newModel(params: ["n_estimators": "100"])
        #expect(model.id.hasPrefix("m-"))
        #expect(model.id.utf8.count == 34)
        #expect(model.status == .pending)
        #expect(model.artifactLocation == "mlflow-artifacts:/1/models/\(model.id)/artifacts")
        let loaded = try await service.tracking.loggedModel(id: model.id, actor: alice)
        #expect(loaded.params == ["n_estimators": "100"])
        #expect(loaded.sourceRunID == run.id)
        #expect(loaded.tags == ["mlflow.user": "root"])
    }

    @Test("the experiment and the source run must exist")
    func parents() async throws {
        await expectRegistryError(.notFound) {
            try await service.tracking.createLoggedModel(
                experimentID: "9",
                name: "m",
                sourceRunID: nil,
                modelType: "",
                params: [:],
                tags: [:],
                actor: alice
            )
        }
        await expectRegistryError(.notFound) {
            try await service.tracking.createLoggedModel(
                experimentID: "1",
                name: "m",
                sourceRunID: "feed",
                modelType: "",
                params: [:],
                tags: [:],
                actor: alice
            )
        }
    }

    @Test("finalize sets READY or UPLOAD_FAILED once; PENDING is refused")
    func finalize() async throws {
        let model = try await newModel()
        let ready = try await service.tracking.finalizeLoggedModel(id: model.id, status: .ready, actor: alice)
        #expect(ready.status == .ready)
        _ = try await service.tracking.finalizeLoggedModel(id: model.id, status: .ready, actor: alice)
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.finalizeLoggedModel(id: model.id, status: .pending, actor: alice)
        }
        let actions = try await service.allEvents().filter { $0.subject == "logged-model/\(model.id)" }.map(\.action)
        #expect(actions == ["logged_model.created", "logged_model.finalized"])
    }

    @Test("tags are set as given and deleted; no events")
    func tags() async throws {
        let model = try await newModel()
        let before = try await service.allEvents().count
        let value = #"[{"name": "fraud", "version": "1"}]"#
        try await service.tracking.setLoggedModelTags(id: model.id, tags: ["mlflow.modelVersions": value], actor: alice)
        #expect(
            try await service.tracking.loggedModel(id: model.id, actor: alice).tags["mlflow.modelVersions"] == value
        )
        try await service.tracking.deleteLoggedModelTag(id: model.id, key: "mlflow.modelVersions", actor: alice)
        await expectRegistryError(.notFound) {
            try await service.tracking.deleteLoggedModelTag(id: model.id, key: "mlflow.modelVersions", actor: alice)
        }
        #expect(try await service.allEvents().count == before)
    }

    @Test("metrics logged with the model's id show on the model")
    func metrics() async throws {
        let model = try await newModel()
        try await service.tracking.logBatch(
            runID: run.id,
            metrics: [MetricPoint(key: "accuracy", value: 0.918, timestamp: 5, modelID: model.id)],
            params: [:],
            tags: [:],
            actor: alice
        )
        let loaded = try await service.tracking.loggedModel(id: model.id, actor: alice)
        #expect(loaded.metrics.map(\.value) == [0.918])
        #expect(loaded.metrics.first?.runID == run.id)
        let found = try await service.tracking.searchLoggedModels(
            experimentIDs: ["1"],
            clauses: [SearchClause(field: .metric("accuracy"), op: .greater, value: .number(0.5))],
            order: [],
            pageToken: nil,
            limit: 10,
            actor: alice
        )
        #expect(found.items.map(\.id) == [model.id])
    }

    @Test("a dataset filter narrows metric clauses to that dataset's metrics, and alone needs one; models come whole")
    func datasetFilter() async throws {
        let (a, b, c) = (try await newModel("a"), try await newModel("b"), try await newModel("c"))
        func point(_ model: LoggedModel, _ value: Double, _ dataset: String?, _ digest: String? = nil) -> MetricPoint {
            MetricPoint(
                key: "acc",
                value: value,
                timestamp: 5,
                modelID: model.id,
                datasetName: dataset,
                datasetDigest: digest
            )
        }
        try await service.tracking.logBatch(
            runID: run.id,
            metrics: [
                point(a, 0.9, "eval", "d1"), point(a, 0.2, "holdout"), point(b, 0.3, "eval", "d2"), point(c, 0.95, nil),
            ],
            params: [:],
            tags: [:],
            actor: alice
        )
        func search(_ clauses: [SearchClause], _ datasets: [DatasetFilter]) async throws -> [String] {
            try await service.tracking.searchLoggedModels(
                experimentIDs: ["1"],
                clauses: clauses,
                order: [SearchOrder(field: .attribute("name"), ascending: true)],
                datasets: datasets,
                pageToken: nil,
                limit: 10,
                actor: alice
            ).items.map(\.name)
        }
        let good = [SearchClause(field: .metric("acc"), op: .greater, value: .number(0.5))]
        #expect(try await search(good, []) == ["a", "c"])
        #expect(try await search(good, [DatasetFilter(name: "eval")]) == ["a"])
        #expect(try await search(good, [DatasetFilter(name: "holdout")]) == [])
        #expect(try await search(good, [DatasetFilter(name: "eval", digest: "d2")]) == [])
        #expect(try await search([], [DatasetFilter(name: "eval")]) == ["a", "b"])
        #expect(
            try await search([], [DatasetFilter(name: "eval", digest: "d2"), DatasetFilter(name: "holdout")]) == [
                "a", "b",
            ]
        )
        #expect(try await search([], [DatasetFilter(name: "unknown")]) == [])
        let whole = try await service.tracking.searchLoggedModels(
            experimentIDs: ["1"],
            clauses: [],
            order: [],
            datasets: [DatasetFilter(name: "holdout")],
            pageToken: nil,
            limit: 10,
            actor: alice
        )
        #expect(whole.items.first?.metrics.count == 2)
        await expectRegistryError(.invalidArgument) { _ = try await search([], [DatasetFilter(name: "")]) }
    }

    @Test("deleted models are gone from get, search and further changes")
    func delete() async throws {
        let model = try await newModel()
        try await service.tracking.deleteLoggedModel(id: model.id, actor: alice)
        await expectRegistryError(.notFound) { try await service.tracking.loggedModel(id: model.id, actor: alice) }
        await expectRegistryError(.notFound) {
            try await service.tracking.deleteLoggedModel(id: model.id, actor: alice)
        }
        let page = try await service.tracking.searchLoggedModels(
            experimentIDs: ["1"],
            clauses: [],
            order: [],
            pageToken: nil,
            limit: 10,
            actor: alice
        )
        #expect(page.items.isEmpty)
    }

    @Test("search by name, newest first, with paging")
    func search() async throws {
        let first = try await newModel("model")
        let second = try await newModel("model")
        _ = try await newModel("other")
        let byName = try await service.tracking.searchLoggedModels(
            experimentIDs: ["1"],
            clauses: [SearchClause(field: .attribute("name"), op: .equal, value: .string("model"))],
            order: [],
            pageToken: nil,
            limit: 1,
            actor: alice
        )
        #expect(byName.items.map(\.id) == [second.id])
        let next = try await service.tracking.searchLoggedModels(
            experimentIDs: ["1"],
            clauses: [SearchClause(field: .attribute("name"), op: .equal, value: .string("model"))],
            order: [],
            pageToken: byName.nextPageToken,
            limit: 1,
            actor: alice
        )
        #expect(next.items.map(\.id) == [first.id])
        #expect(next.nextPageToken == nil)
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.searchLoggedModels(
                experimentIDs: ["1"],
                clauses: [SearchClause(field: .dataset("name"), op: .equal, value: .string("x"))],
                order: [],
                pageToken: nil,
                limit: 1,
                actor: alice
            )
        }
    }
}

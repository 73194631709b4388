import CairnCore
import Testing

// MARK: - Experiments and runs

extension MetadataStoreConformance {
    static let trackingCases: [MetadataStoreConformanceCase] =
        experimentCases + runCases + metricAndLoggedModelCases + artifactCases + lineageCases

    static let experimentCases: [MetadataStoreConformanceCase] = [
        .init("experiment ids are allocated 1, 2, 3… across transactions; experiments read back by id and name") {
            store in
            var ids: [String] = []
            for _ in 1...3 { ids.append(try await store.write { try await $0.allocateExperimentID() }) }
            #expect(ids == ["1", "2", "3"])
            let standard = experiment("0", "Default")
            let tagged = experiment("1", "fraud", tags: ["team": "risk", "mlflow.note": ""])
            try await store.write { tx in
                try await tx.insertExperiment(standard)
                try await tx.insertExperiment(tagged)
            }
            #expect(try await store.read { try await $0.experiment(id: "0") } == standard)
            #expect(try await store.read { try await $0.experiment(named: "fraud") } == tagged)
            #expect(try await store.read { try await $0.experiment(named: "Fraud") } == nil)
            #expect(try await store.read { try await $0.experiment(id: "9") } == nil)
            #expect(try await store.write { try await $0.allocateExperimentID() } == "4")
            try await store.write { try await $0.insertExperiment(experiment("9", "imported")) }
            #expect(try await store.write { try await $0.allocateExperimentID() } == "10")
        },
        .init("an experiment name and id are taken once, even when deleted; a colliding rename changes nothing") {
            store in
            try await store.write { tx in
                try await tx.insertExperiment(experiment("1", "a"))
                try await tx.insertExperiment(experiment("2", "b", stage: .deleted))
            }
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertExperiment(experiment("3", "b")) }
            }
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertExperiment(experiment("1", "c")) }
            }
            var renamed = experiment("1", "b")
            await expectCode(.alreadyExists) {
                try await store.write { [renamed] in try await $0.updateExperiment(renamed) }
            }
            #expect(try await store.read { try await $0.experiment(id: "1") }?.name == "a")
            await expectCode(.notFound) {
                try await store.write { try await $0.updateExperiment(experiment("9", "ghost")) }
            }
            await expectCode(.notFound) {
                try await store.write { try await $0.replaceExperimentTags(experimentID: "9", tags: ["k": "v"]) }
            }
            // Only name, lifecycle stage and updated-at change.
            renamed.name = "c"
            renamed.lifecycleStage = .deleted
            renamed.updatedAt = at(50)
            var ignored = renamed
            ignored.artifactLocation = "elsewhere"
            ignored.createdAt = at(49)
            ignored.tags = ["ignored": "yes"]
            try await store.write { [ignored] in try await $0.updateExperiment(ignored) }
            #expect(try await store.read { try await $0.experiment(id: "1") } == renamed)
        },
        .init("experiment tags are replaced as a whole; listings go by numeric id and filter by lifecycle stage") {
            store in
            try await store.write { tx in
                for (id, stage) in [("10", LifecycleStage.active), ("2", .deleted), ("0", .active), ("9", .active)] {
                    try await tx.insertExperiment(experiment(id, "e\(id)", stage: stage, tags: ["k": id]))
                }
                try await tx.replaceExperimentTags(experimentID: "9", tags: ["x": "1", "y": "2"])
                try await tx.replaceExperimentTags(experimentID: "0", tags: [:])
            }
            func ids(_ stages: Set<LifecycleStage>) async throws -> [String] {
                try await store.read { try await $0.experiments(in: stages) }.map(\.id)
            }
            #expect(try await ids([]) == ["0", "2", "9", "10"])
            #expect(try await ids([.active, .deleted]) == ["0", "2", "9", "10"])
            #expect(try await ids([.active]) == ["0", "9", "10"])
            #expect(try await ids([.deleted]) == ["2"])
            let all = try await store.read { try await $0.experiments(in: []) }
            #expect(all.map(\.tags) == [[:], ["k": "2"], ["x": "1", "y": "2"], ["k": "10"]])
        },
    ]

    static let runCases: [MetadataStoreConformanceCase] = [
        .init(
            "an inserted run reads back with params, tags, latest metrics, dataset and model inputs in order, and outputs"
        ) { store in
            let base = trackingRun("r1", params: ["lr": "0.1", "depth": "3"], tags: ["mlflow.user": "alice"])
            try await insertRuns(store, [base])
            #expect(try await store.read { try await $0.run(id: "r1") } == base)
            let training = RunInput(
                dataset: DatasetRecord(name: "clicks", digest: "d1", sourceType: "s3", source: "{\"uri\":\"s3://c\"}"),
                tags: [OrderedTag(key: "z", value: "1"), OrderedTag(key: "mlflow.data.context", value: "training")]
            )
            let evaluation = RunInput(
                dataset: DatasetRecord(
                    name: "holdout",
                    digest: "d2",
                    sourceType: "local",
                    source: "{}",
                    schema: "{\"cols\":[]}",
                    profile: "{\"rows\":9}"
                )
            )
            let point = MetricPoint(key: "loss", value: 0.5, timestamp: 7, step: 1)
            try await store.write { tx in
                try await tx.addRunInputs(runID: "r1", inputs: [training, evaluation])
                try await tx.addRunInputs(runID: "r1", inputs: [training])
                try await tx.addRunOutputs(runID: "r1", outputs: [RunOutput(modelID: "m-2", step: 3)])
                try await tx.addRunOutputs(
                    runID: "r1",
                    outputs: [RunOutput(modelID: "m-1"), RunOutput(modelID: "m-2", step: 3)]
                )
                try await tx.appendMetrics(runID: "r1", points: [point])
                try await tx.addRunModelInputs(runID: "r1", modelIDs: ["m-9", "m-1"])
                try await tx.addRunModelInputs(runID: "r1", modelIDs: ["m-1", "m-3"])
            }
            var expected = base
            expected.inputs = [training, evaluation]
            expected.modelInputs = ["m-9", "m-1", "m-3"]
            expected.outputs = [RunOutput(modelID: "m-2", step: 3), RunOutput(modelID: "m-1")]
            expected.metrics = ["loss": stored(point, runID: "r1")]
            #expect(try await store.read { try await $0.run(id: "r1") } == expected)
            #expect(try await store.read { try await $0.run(id: "ghost") } == nil)
            await expectCode(.alreadyExists) { try await insertRuns(store, [trackingRun("r1")]) }
            await expectCode(.notFound) { try await store.write { try await $0.insertRun(trackingRun("r2", in: "7")) } }
        },
        .init("updating a run changes name, status, end time and stage; params keep their first value; tags change") {
            store in
            try await insertRuns(store, [trackingRun("r1", params: ["lr": "0.1"], tags: ["a": "1", "b": "2"])])
            var changed = trackingRun("r1", params: ["lr": "0.1"], tags: ["a": "1", "b": "2"])
            changed.name = "renamed"
            changed.status = .finished
            changed.endTime = 9_000
            changed.lifecycleStage = .deleted
            var ignored = changed
            ignored.startTime = 5
            ignored.userID = "mallory"
            ignored.artifactURI = "elsewhere"
            ignored.params = ["ignored": "1"]
            let (deletedB, deletedAgain) = try await store.write { [ignored] tx in
                try await tx.updateRun(ignored)
                try await tx.putRunParams(runID: "r1", params: ["lr": "0.2", "depth": "3"])
                try await tx.putRunTags(runID: "r1", tags: ["a": "10", "c": "3"])
                return (
                    try await tx.deleteRunTag(runID: "r1", key: "b"), try await tx.deleteRunTag(runID: "r1", key: "b")
                )
            }
            #expect(deletedB)
            #expect(!deletedAgain)
            changed.params = ["lr": "0.1", "depth": "3"]
            changed.tags = ["a": "10", "c": "3"]
            #expect(try await store.read { try await $0.run(id: "r1") } == changed)
            await expectCode(.notFound) { try await store.write { try await $0.updateRun(trackingRun("ghost")) } }
            for write in [
                { try await $0.putRunParams(runID: "ghost", params: ["k": "v"]) },
                { try await $0.putRunTags(runID: "ghost", tags: [:]) },
                { try await $0.appendMetrics(runID: "ghost", points: []) },
                { try await $0.addRunInputs(runID: "ghost", inputs: []) },
                { try await $0.addRunOutputs(runID: "ghost", outputs: []) },
                { try await $0.addRunModelInputs(runID: "ghost", modelIDs: []) },
                { _ = try await $0.deleteRunTag(runID: "ghost", key: "a") },
            ] as [@Sendable (any MetadataTransaction) async throws -> Void] {
                await expectCode(.notFound) { try await store.write(write) }
            }
        },
        .init("runs of experiments list by start time descending (unknown last), then id, filtered by stage") { store in
            try await store.write { tx in
                for id in ["1", "2", "3"] { try await tx.insertExperiment(experiment(id, "e\(id)")) }
            }
            try await insertRuns(
                store,
                [
                    trackingRun("b", in: "1", start: 100), trackingRun("a", in: "2", start: 100),
                    trackingRun("c", in: "1", start: 300), trackingRun("d", in: "2", start: nil),
                    trackingRun("e", in: "1", start: 200, stage: .deleted), trackingRun("f", in: "3", start: 999),
                    trackingRun("g", in: "1", start: -5),
                ]
            )
            func ids(
                _ experiments: [String],
                _ stages: Set<LifecycleStage>,
                after position: RunPosition? = nil,
                limit: Int = 100
            ) async throws -> [String] {
                try await store.read {
                    try await $0.runs(experimentIDs: experiments, in: stages, after: position, limit: limit)
                }
                .map(\.id)
            }
            #expect(try await ids(["1", "2"], []) == ["c", "e", "a", "b", "g", "d"])
            // Keyset pages: each starts after the last run of the one before, ties on start time broken by id, runs
            // without a start time last.
            #expect(try await ids(["1", "2"], [], limit: 2) == ["c", "e"])
            #expect(
                try await ids(["1", "2"], [], after: RunPosition(startTime: 200, id: "e"), limit: 2) == ["a", "b"]
            )
            #expect(
                try await ids(["1", "2"], [], after: RunPosition(startTime: 100, id: "a"), limit: 9) == ["b", "g", "d"]
            )
            #expect(try await ids(["1", "2"], [], after: RunPosition(startTime: -5, id: "g"), limit: 9) == ["d"])
            #expect(try await ids(["1", "2"], [], after: RunPosition(startTime: nil, id: "d"), limit: 9).isEmpty)
            #expect(try await ids(["1", "2"], [], after: RunPosition(startTime: nil, id: "c"), limit: 9) == ["d"])
            #expect(
                try await ids(["1", "2"], [.active], after: RunPosition(startTime: 250, id: "zz"), limit: 1) == ["a"]
            )
            #expect(try await ids(["1", "2"], [], limit: 0).isEmpty)
            #expect(try await ids(["2", "1"], [.active]) == ["c", "a", "b", "g", "d"])
            #expect(try await ids(["1"], [.deleted]) == ["e"])
            #expect(try await ids([], []).isEmpty)
            #expect(try await ids(["ghost"], []).isEmpty)
        },
    ]
}

import CairnCore
import Testing

// MARK: - Metrics and logged models

extension MetadataStoreConformance {
    static let metricAndLoggedModelCases: [MetadataStoreConformanceCase] = [
        .init("a point logged again (same key, value, timestamp, step) is kept once and gains the model id") { store in
            try await insertRuns(store, [trackingRun("r1")])
            let point = MetricPoint(key: "acc", value: 0.9, timestamp: 7, step: 0)
            let nan = MetricPoint(key: "acc", value: .nan, timestamp: 8, step: 0)
            try await store.write { try await $0.appendMetrics(runID: "r1", points: [point, nan]) }
            let again = MetricPoint(key: "acc", value: 0.9, timestamp: 7, step: 0, modelID: "m-1")
            let nanAgain = MetricPoint(key: "acc", value: .nan, timestamp: 8, step: 0, modelID: "m-1")
            let other = MetricPoint(key: "acc", value: 0.9, timestamp: 7, step: 1, modelID: "m-1")
            try await store.write { try await $0.appendMetrics(runID: "r1", points: [again, nanAgain, other, other]) }
            let history = try await store.read { try await $0.metricHistory(runID: "r1", key: "acc", limit: 10) }
            #expect(history.count == 3)
            #expect(history.map(\.modelID) == ["m-1", "m-1", "m-1"])
            #expect(history.map(\.step) == [0, 0, 1])
        },
        .init("metric history goes by step, then timestamp, then logging order; the run shows the newest per key") {
            store in
            try await insertRuns(store, [trackingRun("r1"), trackingRun("r2")])
            let first: [MetricPoint] = [
                MetricPoint(key: "loss", value: 0.9, timestamp: 50, step: 2),
                MetricPoint(key: "loss", value: 0.7, timestamp: 10, step: 3),
                MetricPoint(key: "acc", value: 0.1, timestamp: 5, step: 0),
                MetricPoint(key: "loss", value: 0.8, timestamp: 40, step: 2),
            ]
            let second: [MetricPoint] = [
                MetricPoint(key: "loss", value: 0.6, timestamp: 10, step: 3),
                MetricPoint(key: "loss", value: 0.75, timestamp: 10, step: 3),
                MetricPoint(key: "acc", value: 0.2, timestamp: 1, step: 0),
                MetricPoint(key: "loss", value: 0.5, timestamp: 99, step: 1, modelID: "m-1"),
            ]
            try await store.write { try await $0.appendMetrics(runID: "r1", points: first) }
            try await store.write { tx in
                try await tx.appendMetrics(runID: "r1", points: second)
                try await tx.appendMetrics(runID: "r2", points: [MetricPoint(key: "loss", value: 5, timestamp: 1)])
            }
            let history = try await store.read { try await $0.metricHistory(runID: "r1", key: "loss", limit: 100) }
            let all = first + second
            // By step, then timestamp; equal step and timestamp keep the order they were logged in.
            let expected = [all[7], all[3], all[0], all[1], all[4], all[5]].map { stored($0, runID: "r1") }
            #expect(history == expected)
            #expect(
                try await store.read { try await $0.metricHistory(runID: "r1", key: "loss", limit: 2) }
                    == Array(expected.prefix(2))
            )
            #expect(try await store.read { try await $0.metricHistory(runID: "r1", key: "nope", limit: 9) }.isEmpty)
            // Pages at every size neither repeat nor skip a point.
            for size in 1...4 {
                var paged: [MetricPoint] = []
                var offset = 0
                while true {
                    let page = try await store.read { [offset] in
                        try await $0.metricHistory(runID: "r1", key: "loss", offset: offset, limit: size)
                    }
                    paged += page
                    offset += size
                    if page.count < size { break }
                }
                #expect(paged == expected, "page size \(size)")
            }
            func newest(_ key: String) -> MetricPoint {
                stored(
                    all.filter { $0.key == key }.reduce(nil) { (best: MetricPoint?, point) in
                        best.map { point.isNewer(than: $0) ? point : $0 } ?? point
                    }!,
                    runID: "r1"
                )
            }
            let run = try await store.read { try await $0.run(id: "r1") }
            #expect(run?.metrics == ["loss": newest("loss"), "acc": newest("acc")])
            #expect(run?.metrics["loss"]?.value == 0.75)
            #expect(try await store.read { try await $0.run(id: "r2") }?.metrics["loss"]?.value == 5)
        },
        .init("NaN, ±infinity and extreme values round-trip exactly in history and in the latest metric") { store in
            try await insertRuns(store, [trackingRun("r1")])
            let values: [Double] = [
                .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 0.1, 3, -7.25,
            ]
            let points = values.enumerated().map { index, value in
                MetricPoint(key: "v\(index)", value: value, timestamp: Int64(index), step: 0)
            }
            let series = [
                MetricPoint(key: "s", value: 1, timestamp: 5, step: 5),
                MetricPoint(key: "s", value: .nan, timestamp: 5, step: 5),
                MetricPoint(key: "t", value: .nan, timestamp: 6, step: 6),
                MetricPoint(key: "t", value: -.infinity, timestamp: 1, step: 6),
            ]
            try await store.write { try await $0.appendMetrics(runID: "r1", points: points + series) }
            for point in points {
                let history = try await store.read { try await $0.metricHistory(runID: "r1", key: point.key, limit: 9) }
                #expect(history.count == 1 && same(history[0], stored(point, runID: "r1")), "\(point.value)")
            }
            let run = try await store.read { try await $0.run(id: "r1") }
            for point in points {
                #expect(run?.metrics[point.key].map { same($0, stored(point, runID: "r1")) } == true, "\(point.value)")
            }
            // A number is newer than NaN at the same step and time; a later timestamp beats any value.
            #expect(run?.metrics["s"]?.value == 1)
            #expect(run?.metrics["t"]?.value.isNaN == true)
        },
        .init("metrics keep their dataset; a logged model shows the newest point per key and dataset") { store in
            try await insertRuns(store, [trackingRun("r1")])
            try await store.write { tx in
                try await tx.insertLoggedModel(loggedModel("m-1"))
                try await tx.appendMetrics(
                    runID: "r1",
                    points: [
                        MetricPoint(key: "acc", value: 0.7, timestamp: 1, modelID: "m-1", datasetName: "eval"),
                        MetricPoint(
                            key: "acc",
                            value: 0.8,
                            timestamp: 2,
                            modelID: "m-1",
                            datasetName: "eval",
                            datasetDigest: "d1"
                        ),
                        MetricPoint(
                            key: "acc",
                            value: 0.9,
                            timestamp: 3,
                            modelID: "m-1",
                            datasetName: "eval",
                            datasetDigest: "d1"
                        ),
                        MetricPoint(
                            key: "acc",
                            value: 0.5,
                            timestamp: 1,
                            modelID: "m-1",
                            datasetName: "holdout",
                            datasetDigest: "d2"
                        ),
                        MetricPoint(key: "acc", value: 0.1, timestamp: 9, modelID: "m-1"),
                    ]
                )
                // Logged first without a model or dataset, then again with both: the point gains them.
                try await tx.appendMetrics(runID: "r1", points: [MetricPoint(key: "f1", value: 0.3, timestamp: 4)])
                try await tx.appendMetrics(
                    runID: "r1",
                    points: [
                        MetricPoint(
                            key: "f1",
                            value: 0.3,
                            timestamp: 4,
                            modelID: "m-1",
                            datasetName: "eval",
                            datasetDigest: "d1"
                        )
                    ]
                )
            }
            let model = try #require(try await store.read { try await $0.loggedModel(id: "m-1") })
            #expect(
                model.metrics.map { "\($0.key)/\($0.datasetName ?? "-")/\($0.datasetDigest ?? "-")=\($0.value)" } == [
                    "acc/-/-=0.1", "acc/eval/-=0.7", "acc/eval/d1=0.9", "acc/holdout/d2=0.5", "f1/eval/d1=0.3",
                ]
            )
            let history = try await store.read { try await $0.metricHistory(runID: "r1", key: "acc", limit: 10) }
            #expect(history.compactMap(\.datasetDigest) == ["d2", "d1", "d1"])
            let run = try await store.read { try await $0.run(id: "r1") }
            #expect(run?.metrics["acc"]?.datasetName == nil && run?.metrics["f1"]?.datasetDigest == "d1")
        },
        .init("a logged model reads back with params, tags and the newest metric per key logged with its id") { store in
            try await insertRuns(store, [trackingRun("r1"), trackingRun("r2")])
            let model = loggedModel("m-1")
            try await store.write { tx in
                try await tx.insertLoggedModel(model)
                try await tx.insertLoggedModel(loggedModel("m-2", createdAt: 30))
                try await tx.insertLoggedModel(loggedModel("m-3", createdAt: 20, stage: .deleted))
                try await tx.appendMetrics(
                    runID: "r1",
                    points: [
                        MetricPoint(key: "loss", value: 0.9, timestamp: 1, step: 1, modelID: "m-1"),
                        MetricPoint(key: "loss", value: 0.1, timestamp: 1, step: 9),
                        MetricPoint(key: "acc", value: 0.6, timestamp: 2, step: 1, modelID: "m-1"),
                    ]
                )
                try await tx.appendMetrics(
                    runID: "r2",
                    points: [MetricPoint(key: "loss", value: 0.4, timestamp: 1, step: 2, modelID: "m-1")]
                )
            }
            var expected = model
            expected.metrics = [
                MetricPoint(key: "acc", value: 0.6, timestamp: 2, step: 1, modelID: "m-1", runID: "r1"),
                MetricPoint(key: "loss", value: 0.4, timestamp: 1, step: 2, modelID: "m-1", runID: "r2"),
            ]
            #expect(try await store.read { try await $0.loggedModel(id: "m-1") } == expected)
            #expect(try await store.read { try await $0.loggedModel(id: "ghost") } == nil)
            let listed = try await store.read { try await $0.loggedModels(experimentIDs: ["1", "7"]) }
            #expect(listed.map(\.id) == ["m-2", "m-1"])
            #expect(try await store.read { try await $0.loggedModels(experimentIDs: []) }.isEmpty)
            await expectCode(.alreadyExists) { try await store.write { try await $0.insertLoggedModel(model) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.insertLoggedModel(loggedModel("m-9", in: "7")) }
            }
        },
        .init("a logged model's status, stage and update time change; its tags are put and deleted") { store in
            try await insertRuns(store, [])
            try await store.write { try await $0.insertLoggedModel(loggedModel("m-1")) }
            var changed = loggedModel("m-1")
            changed.status = .ready
            changed.lifecycleStage = .deleted
            changed.updatedAt = at(77)
            var ignored = changed
            ignored.name = "other"
            ignored.params = [:]
            ignored.createdAt = at(76)
            let (deleted, deletedAgain) = try await store.write { [ignored] tx in
                try await tx.updateLoggedModel(ignored)
                try await tx.putLoggedModelTags(modelID: "m-1", tags: ["flavor": "onnx", "stage": "x"])
                return (
                    try await tx.deleteLoggedModelTag(modelID: "m-1", key: "stage"),
                    try await tx.deleteLoggedModelTag(modelID: "m-1", key: "stage")
                )
            }
            #expect(deleted && !deletedAgain)
            changed.tags = ["flavor": "onnx"]
            #expect(try await store.read { try await $0.loggedModel(id: "m-1") } == changed)
            #expect(try await store.read { try await $0.loggedModels(experimentIDs: ["1"]) }.isEmpty)
            await expectCode(.notFound) { try await store.write { try await $0.updateLoggedModel(loggedModel("m-0")) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.putLoggedModelTags(modelID: "m-0", tags: ["a": "b"]) }
            }
            await expectCode(.notFound) {
                try await store.write { try await $0.deleteLoggedModelTag(modelID: "m-0", key: "a") }
            }
        },
    ]
}

import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: searching runs")
struct TrackingSearchTests {
    let service: RegistryService
    /// Runs "a" (start 1, loss 0.5, lr 0.1, team risk, FINISHED), "b" (start 2, loss NaN, lr 0.01), "c" (start 3, no
    /// metrics, params or tags).
    let runs: [String: Run]

    init() async throws {
        service = makeService()
        try await service.tracking.bootstrapTracking()
        var runs: [String: Run] = [:]
        for (start, name) in ["a", "b", "c"].enumerated() {
            runs[name] = try await service.tracking.createRun(
                experimentID: "0",
                name: name,
                userID: "u",
                startTime: Int64(start + 1),
                tags: [:],
                actor: alice
            )
        }
        try await service.tracking.logBatch(
            runID: runs["a"]!.id,
            metrics: [MetricPoint(key: "loss", value: 0.5, timestamp: 1)],
            params: ["lr": "0.1"],
            tags: ["team": "Risk"],
            actor: alice
        )
        try await service.tracking.logBatch(
            runID: runs["b"]!.id,
            metrics: [MetricPoint(key: "loss", value: .nan, timestamp: 1)],
            params: ["lr": "0.01"],
            tags: [:],
            actor: alice
        )
        _ = try await service.tracking.updateRun(
            id: runs["a"]!.id,
            status: .finished,
            endTime: 9,
            name: nil,
            actor: alice
        )
        self.runs = runs
    }

    func names(
        _ clauses: [SearchClause] = [],
        order: [SearchOrder] = [],
        stages: Set<LifecycleStage> = [.active]
    ) async throws -> [String] {
        try await service.tracking.searchRuns(
            experimentIDs: ["0"],
            stages: stages,
            clauses: clauses,
            order: order,
            pageToken: nil,
            limit: 100,
            actor: alice
        ).items.map(\.name)
    }

    static func clause(_ field: SearchClause.Field, _ op: SearchClause.Operator, _ value: SearchClause.Value)
        -> SearchClause
    {
        SearchClause(field: field, op: op, value: value)
    }

    @Test("the default order is start time descending")
    func defaultOrder() async throws {
        #expect(try await names() == ["c", "b", "a"])
    }

    @Test("metrics compare numerically; NaN matches only !=; a missing metric matches nothing")
    func metrics() async throws {
        #expect(try await names([Self.clause(.metric("loss"), .less, .number(1))]) == ["a"])
        #expect(try await names([Self.clause(.metric("loss"), .notEqual, .number(1))]) == ["b", "a"])
        #expect(try await names([Self.clause(.metric("loss"), .greaterOrEqual, .number(0.5))]) == ["a"])
    }

    @Test("params and tags compare as strings; LIKE is case-sensitive, ILIKE is not; missing never matches")
    func strings() async throws {
        #expect(try await names([Self.clause(.param("lr"), .equal, .string("0.1"))]) == ["a"])
        #expect(try await names([Self.clause(.param("lr"), .notEqual, .string("0.1"))]) == ["b"])
        #expect(try await names([Self.clause(.param("lr"), .like, .string("0.0_"))]) == ["b"])
        #expect(try await names([Self.clause(.tag("team"), .like, .string("risk"))]).isEmpty)
        #expect(try await names([Self.clause(.tag("team"), .caseInsensitiveLike, .string("ri%"))]) == ["a"])
        #expect(try await names([Self.clause(.tag("team"), .notEqual, .string("x"))]) == ["a"])
    }

    @Test("attributes: status, run name, run id IN, start and end time; clauses are ANDed")
    func attributes() async throws {
        #expect(try await names([Self.clause(.attribute("status"), .equal, .string("FINISHED"))]) == ["a"])
        #expect(try await names([Self.clause(.attribute("run_name"), .notEqual, .string("a"))]) == ["c", "b"])
        let ids = [runs["a"]!.id, runs["c"]!.id]
        #expect(try await names([Self.clause(.attribute("run_id"), .isIn, .list(ids))]) == ["c", "a"])
        #expect(try await names([Self.clause(.attribute("run_id"), .notIn, .list(ids))]) == ["b"])
        #expect(try await names([Self.clause(.attribute("start_time"), .greater, .number(1))]) == ["c", "b"])
        #expect(try await names([Self.clause(.attribute("end_time"), .less, .number(100))]) == ["a"])
        let both = [
            Self.clause(.attribute("start_time"), .greater, .number(1)),
            Self.clause(.metric("loss"), .notEqual, .number(0)),
        ]
        #expect(try await names(both) == ["b"])
    }

    @Test("order by metric puts NaN and then missing values last, in both directions")
    func orderByMetric() async throws {
        #expect(try await names(order: [SearchOrder(field: .metric("loss"))]) == ["a", "b", "c"])
        #expect(try await names(order: [SearchOrder(field: .metric("loss"), ascending: false)]) == ["a", "b", "c"])
        #expect(
            try await names(order: [SearchOrder(field: .attribute("run_name"), ascending: false)]) == ["c", "b", "a"]
        )
        #expect(try await names(order: [SearchOrder(field: .param("lr"))]) == ["b", "a", "c"])
    }

    @Test("stages select active, deleted or all runs")
    func stages() async throws {
        try await service.tracking.deleteRun(id: runs["b"]!.id, actor: alice)
        #expect(try await names() == ["c", "a"])
        #expect(try await names(stages: [.deleted]) == ["b"])
        #expect(try await names(stages: []) == ["c", "b", "a"])
    }

    @Test(
        "pages are keyset pages: runs created or deleted between pages neither repeat nor skip one",
        arguments: [
            [], [SearchOrder(field: .attribute("run_name"), ascending: false)],
        ]
    )
    func keysetPages(order: [SearchOrder]) async throws {
        func page(after token: String?, limit: Int = 2) async throws -> Page<Run> {
            try await service.tracking.searchRuns(
                experimentIDs: ["0"],
                stages: [.active],
                clauses: [],
                order: order,
                pageToken: token,
                limit: limit,
                actor: alice
            )
        }
        let first = try await page(after: nil)
        #expect(first.items.map(\.name) == ["c", "b"])
        // A run that sorts before the cursor (newest, and first by name descending) would shift an offset by one and
        // repeat "b"; the cursor names a place in the order, so the next page starts right after "b".
        _ = try await service.tracking.createRun(
            experimentID: "0",
            name: "z-early",
            userID: "u",
            startTime: 99,
            tags: [:],
            actor: alice
        )
        let second = try await page(after: first.nextPageToken)
        #expect(second.items.map(\.name) == ["a"])
        #expect(second.nextPageToken == nil)
        // Deleting a run already returned would shift an offset the other way and skip "b".
        let again = try await page(after: nil)
        #expect(again.items.map(\.name) == ["z-early", "c"])
        try await service.tracking.deleteRun(id: runs["c"]!.id, actor: alice)
        #expect(try await page(after: again.nextPageToken, limit: 5).items.map(\.name) == ["b", "a"])
        // A filter that matches few runs still fills the page from batches after the cursor.
        let filtered = try await service.tracking.searchRuns(
            experimentIDs: ["0"],
            stages: [],
            clauses: [Self.clause(.attribute("run_name"), .equal, .string("a"))],
            order: order,
            pageToken: nil,
            limit: 1,
            actor: alice
        )
        #expect(filtered.items.map(\.name) == ["a"])
        #expect(filtered.nextPageToken == nil)
    }

    @Test("a token of one order is refused by a search of another")
    func tokenOfAnotherOrder() async throws {
        let page = try await service.tracking.searchRuns(
            experimentIDs: ["0"],
            stages: [],
            clauses: [],
            order: [],
            pageToken: nil,
            limit: 1,
            actor: alice
        )
        let error = await expectRegistryError(.invalidArgument) {
            try await service.tracking.searchRuns(
                experimentIDs: ["0"],
                stages: [],
                clauses: [],
                order: [SearchOrder(field: .metric("loss")), SearchOrder(field: .param("lr"))],
                pageToken: page.nextPageToken,
                limit: 1,
                actor: alice
            )
        }
        #expect(error?.message.contains("same filter and order") == true)
    }

    @Test("pages follow the keyset token to the end")
    func paging() async throws {
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try await service.tracking.searchRuns(
                experimentIDs: ["0"],
                stages: [],
                clauses: [],
                order: [],
                pageToken: token,
                limit: 2,
                actor: alice
            )
            seen += page.items.map(\.name)
            token = page.nextPageToken
        } while token != nil
        #expect(seen == ["c", "b", "a"])
    }

    @Test("bad searches are invalid arguments that say what is accepted")
    func invalid() async throws {
        let unknown = await expectRegistryError(.invalidArgument) {
            try await names([Self.clause(.attribute("owner"), .equal, .string("x"))])
        }
        #expect(unknown?.message.contains("run_id") == true)
        await expectRegistryError(.invalidArgument) {
            try await names([Self.clause(.metric("loss"), .like, .string("1%"))])
        }
        await expectRegistryError(.invalidArgument) {
            try await names([Self.clause(.param("lr"), .less, .string("1"))])
        }
        await expectRegistryError(.invalidArgument) { try await names([Self.clause(.param("lr"), .equal, .number(1))]) }
        await expectRegistryError(.invalidArgument) { try await names(order: [SearchOrder(field: .attribute("x"))]) }
        for limit in [0, 50_001] {
            await expectRegistryError(.invalidArgument) {
                try await service.tracking.searchRuns(
                    experimentIDs: ["0"],
                    stages: [],
                    clauses: [],
                    order: [],
                    pageToken: nil,
                    limit: limit,
                    actor: alice
                )
            }
        }
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.searchRuns(
                experimentIDs: ["0"],
                stages: [],
                clauses: [],
                order: [],
                pageToken: "garbage!",
                limit: 10,
                actor: alice
            )
        }
    }

    @Test("dataset fields match any input of the run")
    func datasets() async throws {
        let input = RunInput(
            dataset: DatasetRecord(name: "train", digest: "abc", sourceType: "local", source: "{}"),
            tags: [OrderedTag(key: "mlflow.data.context", value: "training")]
        )
        try await service.tracking.logInputs(runID: runs["c"]!.id, inputs: [input], actor: alice)
        #expect(try await names([Self.clause(.dataset("context"), .equal, .string("training"))]) == ["c"])
        #expect(try await names([Self.clause(.dataset("name"), .isIn, .list(["train", "x"]))]) == ["c"])
    }
}

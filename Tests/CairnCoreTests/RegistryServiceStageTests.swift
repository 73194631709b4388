import CairnCore
import CairnTesting
import Testing

@Suite("RegistryService: stages, latest per stage and version search")
struct RegistryServiceStageTests {
    let service = makeService()

    /// `fraud` with versions 1–3 READY and 4 PENDING.
    init() async throws {
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        for i in 1...3 {
            try await service.publishVersion(
                modelName: "fraud",
                files: ["model.bin": bytes("v\(i)")],
                NewVersion(lineage: VersionLineage(runID: "run-\(i)", metrics: ["auc": 0.8 + Double(i) / 100])),
                actor: alice
            )
        }
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
    }

    @Test("promoting to Production with archiveExisting archives the previous Production version")
    func promotionArchives() async throws {
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: alice
        )
        let two = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .production,
            archiveExisting: true,
            actor: alice
        )
        #expect(two.stage == .production)
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).stage == .archived)
        let resolved = try await service.catalog.resolve(
            try ModelURI(parsing: "models:/fraud/Production"),
            actor: alice
        )
        #expect(resolved.version.number == 2)
        #expect(
            try await service.catalog.resolve(try ModelURI(parsing: "models:/fraud/1"), actor: alice).version.stage
                == .archived
        )
        let event = try #require(try await service.allEvents().last)
        #expect(event.action == "version.stage_changed" && event.actor == "alice")
        #expect(event.payload.contains("\"archived\":[1]"))
    }

    @Test("without archiveExisting several versions share a stage (A/B in Staging)")
    func stagingCoexists() async throws {
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .staging,
            archiveExisting: false,
            actor: alice
        )
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .staging,
            archiveExisting: false,
            actor: alice
        )
        let latest = try await service.catalog.latestVersions(modelName: "fraud", stages: [.staging], actor: alice)
        #expect(latest.map(\.number) == [2])
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).stage == .staging)
    }

    @Test("a PENDING version cannot change stage, and nothing is recorded")
    func pendingRefused() async throws {
        let before = try await service.allEvents().count
        await expectRegistryError(.failedPrecondition) {
            try await service.governance.transitionStage(
                modelName: "fraud",
                number: 4,
                to: .staging,
                archiveExisting: false,
                actor: alice
            )
        }
        #expect(try await service.allEvents().count == before)
    }

    @Test("latest versions: one per stage, in the order asked, all stages when none are named")
    func latestPerStage() async throws {
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: alice
        )
        let all = try await service.catalog.latestVersions(modelName: "fraud", stages: [], actor: alice)
        #expect(all.map(\.number) == [4, 1])
        #expect(
            try await service.catalog.latestVersions(modelName: "fraud", stages: [.production, .none], actor: alice)
                .map(
                    \.number
                ) == [1, 4]
        )
        #expect(try await service.catalog.latestVersions(modelName: "fraud", stages: [.archived], actor: alice).isEmpty)
        await expectRegistryError(.notFound) {
            try await service.catalog.latestVersions(modelName: "nope", stages: [], actor: alice)
        }
    }

    @Test("versions are searchable by model, run, metric and number, newest first, with offset pages")
    func searchVersions() async throws {
        func numbers(_ clauses: [SearchClause], order: [SearchOrder] = []) async throws -> [Int] {
            try await service.catalog.searchVersions(
                clauses: clauses,
                order: order,
                pageToken: nil,
                limit: 100,
                actor: alice
            )
            .items.map(
                \.number
            )
        }
        let byName = SearchClause(field: .attribute("name"), op: .equal, value: .string("fraud"))
        #expect(try await numbers([byName]) == [4, 3, 2, 1])
        #expect(
            try await numbers([SearchClause(field: .attribute("run_id"), op: .equal, value: .string("run-2"))]) == [2]
        )
        #expect(
            try await numbers([byName, SearchClause(field: .metric("auc"), op: .greater, value: .number(0.815))]) == [
                3, 2,
            ]
        )
        #expect(try await numbers([byName], order: [SearchOrder(field: .attribute("version_number"))]) == [1, 2, 3, 4])
        let first = try await service.catalog.searchVersions(
            clauses: [byName],
            order: [],
            pageToken: nil,
            limit: 3,
            actor: alice
        )
        #expect(first.items.count == 3)
        let rest = try await service.catalog.searchVersions(
            clauses: [byName],
            order: [],
            pageToken: first.nextPageToken,
            limit: 3,
            actor: alice
        )
        #expect(rest.items.map(\.number) == [1] && rest.nextPageToken == nil)
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.searchVersions(
                clauses: [SearchClause(field: .attribute("bogus"), op: .equal, value: .string("x"))],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: alice
            )
        }
    }

    @Test("models are searchable with MLflow's clauses and orders")
    func searchModels() async throws {
        _ = try await service.catalog.createModel(name: "Churn", tags: ["team": "growth"], actor: alice)
        _ = try await service.catalog.createModel(name: "churn-v2", actor: alice)
        func names(_ clauses: [ModelFilterClause], order: [SearchOrder] = []) async throws -> [String] {
            try await service.catalog.searchModels(
                filter: ModelFilter(clauses: clauses),
                order: order,
                pageToken: nil,
                limit: 100,
                actor: alice
            )
            .items.map(\.name)
        }
        #expect(try await names([.init(field: .name, op: .like, value: "churn%")]) == ["churn-v2"])
        #expect(
            try await names([.init(field: .name, op: .caseInsensitiveLike, value: "churn%")]) == ["Churn", "churn-v2"]
        )
        #expect(try await names([.init(field: .tag("team"), op: .notEqual, value: "growth")]) == ["churn-v2", "fraud"])
        let newestFirst = [SearchOrder(field: .attribute("creation_timestamp"), ascending: false)]
        #expect(try await names([], order: newestFirst).count == 3)
        #expect(
            try await names([], order: [SearchOrder(field: .attribute("name"), ascending: false)]) == [
                "fraud", "churn-v2", "Churn",
            ]
        )
    }
}

import CairnCore
import CairnTesting
import Testing

@Suite("GovernanceService: watching the event log with a filter")
struct EventWatchFilterTests {
    let service = makeService()

    /// Two models; `fraud` gets a Production version, an alias, and is then renamed to `risk`.
    func populate() async throws {
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.createModel(name: "churn", actor: alice)
        try await service.publishVersion(modelName: "fraud", files: ["w": bytes("1")], actor: alice)
        try await service.publishVersion(modelName: "churn", files: ["w": bytes("2")], actor: alice)
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: alice
        )
        _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: alice)
        _ = try await service.governance.setAlias(modelName: "churn", alias: "shadow", number: 1, actor: alice)
        _ = try await service.catalog.renameModel(name: "fraud", to: "risk", actor: alice)
    }

    func watch(_ filter: EventFilter, after: Int64 = 0, limit: Int = 100) async throws -> EventWatchPage {
        try await service.governance.watchEvents(filter, afterSequence: after, limit: limit, actor: alice)
    }

    @Test("a model filter follows the model by id across a rename, and never shows another model's events")
    func byModelAcrossRename() async throws {
        try await populate()
        let risk = try await watch(EventFilter(modelName: "risk"))
        #expect(!risk.events.isEmpty)
        #expect(risk.events.contains { $0.action == "model.created" && $0.subject == "model/fraud" })
        #expect(risk.events.contains { $0.action == "model.renamed" })
        #expect(!risk.events.contains { $0.subject.hasPrefix("model/churn") })
        let churn = try await watch(EventFilter(modelName: "churn"))
        #expect(churn.events.allSatisfy { $0.subject.hasPrefix("model/churn") })
    }

    @Test("an action family matches every action under it; an exact action only itself")
    func byAction() async throws {
        try await populate()
        let aliases = try await watch(EventFilter(actions: ["alias"]))
        #expect(aliases.events.map(\.action) == ["alias.set", "alias.set"])
        let created = try await watch(EventFilter(actions: ["model.created", "version.stage_changed"]))
        #expect(created.events.map(\.action) == ["model.created", "model.created", "version.stage_changed"])
        // A family is a dotted prefix, not a string prefix: "mode" matches nothing.
        let none = try await watch(EventFilter(actions: ["mode"]))
        #expect(none.events.isEmpty)
    }

    @Test("a stage filter keeps moves into or out of that stage; an alias filter sets and removals of that alias")
    func byStageAndAlias() async throws {
        try await populate()
        let production = try await watch(EventFilter(stage: .production))
        #expect(production.events.map(\.action) == ["version.stage_changed"])
        _ = try await service.governance.transitionStage(
            modelName: "risk",
            number: 1,
            to: .archived,
            archiveExisting: false,
            actor: alice
        )
        let out = try await watch(EventFilter(stage: .production), after: production.nextAfter)
        #expect(out.events.count == 1, "moving out of Production is a Production event too")
        let champion = try await watch(EventFilter(alias: "champion"))
        #expect(champion.events.map(\.subject) == ["model/fraud/alias/champion"])
        let either = try await watch(EventFilter(modelName: "risk", stage: .production, alias: "champion"))
        #expect(either.events.count == 3)
    }

    @Test("the cursor passes events that do not match, so the next page never examines them again")
    func cursorPassesNonMatching() async throws {
        try await populate()
        let all = try await watch(EventFilter())
        let last = try #require(all.events.last?.sequence)
        let page = try await watch(EventFilter(actions: ["model.renamed"]))
        #expect(page.events.count == 1)
        #expect(page.nextAfter == last, "the cursor stands at the last event examined, not the last matched")
        let nothing = try await watch(EventFilter(alias: "nobody"))
        #expect(nothing.events.isEmpty && nothing.nextAfter == last)
        let limited = try await watch(EventFilter(), limit: 2)
        #expect(limited.events.count == 2 && limited.nextAfter == limited.events[1].sequence)
    }

    @Test("bad filters and cursors are refused with a message, before anything is read")
    func refusals() async throws {
        await expectRegistryError(.invalidArgument) { try await watch(EventFilter(actions: ["alias set"])) }
        await expectRegistryError(.invalidArgument) { try await watch(EventFilter(modelName: "bad/name")) }
        await expectRegistryError(.invalidArgument) { try await watch(EventFilter(alias: "not an alias")) }
        await expectRegistryError(.invalidArgument) {
            try await watch(EventFilter(actions: Array(repeating: "alias", count: 51)))
        }
        await expectRegistryError(.invalidArgument) { try await watch(EventFilter(), after: -1) }
        await expectRegistryError(.invalidArgument) { try await watch(EventFilter(), limit: 1001) }
    }
}

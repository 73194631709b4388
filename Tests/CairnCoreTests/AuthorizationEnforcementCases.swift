import CairnCore
import CairnTesting
import Testing

/// A registry with one of everything, seeded by an admin: model `fraud` (READY versions 1, with a file, a tag and the
/// alias `champion`, and 2; PENDING version 3), model `other`, experiment `1` with a run, a logged model and an artifact, and
/// the accounts `admin` (bootstrapped) and `dana` with a viewer grant and a token. Writes go through a ``ChangeCountingStore`` so a test can see
/// that a refused call wrote nothing.
struct EnforcementFixture: Sendable {
    let service: RegistryService
    let store: ChangeCountingStore
    let blobs: InMemoryBlobStore
    let versionID: String
    let runID: String
    let loggedModelID: String
    let tokenID: String
    /// A pending request (by admin) to point the protected alias `protected` of `fraud` at version 1.
    let requestID: String
    /// A test ping of the webhook `hook` (which no transport delivered).
    let deliveryID: String

    static func make() async throws -> EnforcementFixture {
        let clock = ManualClock()
        let blobs = InMemoryBlobStore(clock: clock)
        let store = ChangeCountingStore(InMemoryMetadataStore())
        let service = makeService(store: store, blobs: blobs, clock: clock)
        let admin = Principal.testAdmin
        try await service.tracking.bootstrapTracking()
        _ = try await service.identity.bootstrapAdmin()
        _ = try await service.catalog.createModel(name: "fraud", tags: ["team": "risk"], actor: admin)
        let version = try await service.publishVersion(modelName: "fraud", files: ["model.bin": bytes("weights")])
        _ = try await service.catalog.setVersionTag(modelName: "fraud", number: 1, key: "k", value: "v", actor: admin)
        _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: admin)
        // Version 1 was in Production and is archived now, so a rollback has something to restore; `fraud`'s policy
        // guards the alias `protected`, with a request pending.
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: admin
        )
        // Version 2 replaced it there (archiving it), then was pulled out by hand, so it is not restored.
        _ = try await service.publishVersion(modelName: "fraud", files: ["model.bin": bytes("weights 2")])
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .production,
            archiveExisting: true,
            actor: admin
        )
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .archived,
            archiveExisting: false,
            actor: admin
        )
        _ = try await service.governance.setPolicy(
            modelName: "fraud",
            policy: Policy(aliases: ["protected": TransitionRule(approvals: 1)]),
            actor: admin
        )
        let request = try await service.governance.requestTransition(
            modelName: "fraud",
            number: 1,
            to: .alias("protected"),
            archiveExisting: false,
            comment: "ready",
            actor: admin
        )
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: admin)
        _ = try await service.catalog.createModel(name: "other", actor: admin)
        _ = try await service.tracking.createExperiment(name: "exp", tags: ["t": "v"], actor: admin)
        let run = try await service.tracking.createRun(
            experimentID: "1",
            name: "r",
            userID: "u",
            startTime: 1,
            tags: ["t": "v"],
            actor: admin
        )
        let point = MetricPoint(key: "loss", value: 1, timestamp: 1, step: 0)
        try await service.tracking.logBatch(
            runID: run.id,
            metrics: [point],
            params: ["p": "1"],
            tags: [:],
            actor: admin
        )
        let logged = try await service.tracking.createLoggedModel(
            experimentID: "1",
            name: "lm",
            sourceRunID: run.id,
            modelType: "",
            params: [:],
            tags: ["t": "v"],
            actor: admin
        )
        try await service.putArtifact(bytes("a"), at: "1/\(run.id)/artifacts/a.txt")
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        try await service.identity.grant(Grant(.viewer), to: "dana", actor: admin)
        let token = try await service.identity.createToken(accountName: "dana", actor: admin)
        _ = try await service.delivery.createWebhook(
            NewWebhook(name: "hook", url: "https://hooks.example.com/cairn"),
            actor: admin
        )
        let ping = try await service.delivery.testWebhook("hook", actor: admin)
        return EnforcementFixture(
            service: service,
            store: store,
            blobs: blobs,
            versionID: version.id,
            runID: run.id,
            loggedModelID: logged.id,
            tokenID: token.token.id,
            requestID: request.request!.id,
            deliveryID: ping.delivery.id
        )
    }
}

/// One call of a public use case, with what it needs.
struct EnforcementCase: Sendable, CustomTestStringConvertible {
    /// One check the call must pass: `action` on `model` (`nil`: global grants only).
    struct Need: Sendable {
        var action: Action
        var model: String?
    }

    /// The use case called.
    var useCase: UseCase
    /// What the call needs, in the order it checks; it is allowed when every need is.
    var needs: [Need]
    /// A refusal appends `access.denied`.
    var records: Bool
    /// A lookup by id: a caller who may read something, but not this, is told "not found".
    var hidesExistence: Bool
    /// A write to a model a policy guards, which anonymous callers may not make whatever their role (unrecorded).
    var refusesAnonymous = false
    var note: String
    var call: @Sendable (RegistryService, Principal, EnforcementFixture) async throws -> Void

    var testDescription: String { useCase.rawValue + (note.isEmpty ? "" : " [\(note)]") }

    /// The same case on a model a policy guards: anonymous callers are refused whatever their role.
    var refusingAnonymous: EnforcementCase {
        var copy = self
        copy.refusesAnonymous = true
        return copy
    }
}

extension EnforcementCase {
    typealias Call = @Sendable (RegistryService, Principal, EnforcementFixture) async throws -> Void
    /// A call that needs nothing from the fixture.
    typealias SimpleCall = @Sendable (RegistryService, Principal) async throws -> Void

    static func on(
        _ useCase: UseCase,
        _ action: Action,
        _ model: String? = "fraud",
        records: Bool = false,
        hides: Bool = false,
        note: String = "",
        _ call: @escaping SimpleCall
    ) -> EnforcementCase {
        on(useCase, action, model, records: records, hides: hides, note: note) { service, actor, _ in
            try await call(service, actor)
        }
    }

    static func global(_ useCase: UseCase, _ action: Action, records: Bool = false, _ call: @escaping SimpleCall)
        -> EnforcementCase
    {
        on(useCase, action, nil, records: records) { service, actor, _ in try await call(service, actor) }
    }

    static func on(
        _ useCase: UseCase,
        _ action: Action,
        _ model: String? = "fraud",
        records: Bool = false,
        hides: Bool = false,
        note: String = "",
        _ call: @escaping Call
    ) -> EnforcementCase {
        EnforcementCase(
            useCase: useCase,
            needs: [Need(action: action, model: model)],
            records: records,
            hidesExistence: hides,
            note: note,
            call: call
        )
    }

    static func global(_ useCase: UseCase, _ action: Action, records: Bool = false, _ call: @escaping Call)
        -> EnforcementCase
    {
        on(useCase, action, nil, records: records, call)
    }

    /// Every public use case that takes an actor (the registry's; tracking and identity are in the next file).
    static let all: [EnforcementCase] = registry + governance + tracking + identity + delivery

    static let registry: [EnforcementCase] = [
        on(.createModel, .write, "fraud-2") {
            try await $0.catalog.createModel(name: "fraud-2", actor: $1)
        },
        on(.model, .read) { _ = try await $0.catalog.model(named: "fraud", actor: $1) },
        global(.listModels, .read) { _ = try await $0.catalog.listModels(actor: $1) },
        on(.updateModel, .write) {
            _ = try await $0.catalog.updateModel(name: "fraud", description: "d", actor: $1)
        },
        EnforcementCase(
            useCase: .renameModel,
            needs: [Need(action: .write, model: "other"), Need(action: .write, model: "other-renamed")],
            records: true,
            hidesExistence: false,
            note: "both names"
        ) { service, actor, _ in
            _ = try await service.catalog.renameModel(name: "other", to: "other-renamed", actor: actor)
        },
        EnforcementCase(
            useCase: .renameModel,
            needs: [
                Need(action: .write, model: "fraud"), Need(action: .write, model: "fraud-renamed"),
                Need(action: .administer, model: nil),
            ],
            records: true,
            hidesExistence: false,
            note: "own policy: needs admin"
        ) { service, actor, _ in
            _ = try await service.catalog.renameModel(name: "fraud", to: "fraud-renamed", actor: actor)
        },
        on(.deleteModel, .delete, "other", records: true) {
            try await $0.catalog.deleteModel(name: "other", actor: $1)
        },
        EnforcementCase(
            useCase: .deleteModel,
            needs: [Need(action: .delete, model: "fraud"), Need(action: .administer, model: nil)],
            records: true,
            hidesExistence: false,
            note: "own policy: needs admin"
        ) { service, actor, _ in try await service.catalog.deleteModel(name: "fraud", actor: actor) },
        on(.setModelTag, .write) {
            _ = try await $0.catalog.setModelTag(name: "fraud", key: "k", value: "v", actor: $1)
        },
        on(.deleteModelTag, .write) {
            _ = try await $0.catalog.deleteModelTag(name: "fraud", key: "team", actor: $1)
        },
        on(.setAlias, .write, records: true) {
            _ = try await $0.governance.setAlias(modelName: "fraud", alias: "challenger", number: 1, actor: $1)
        },
        on(.deleteAlias, .write) {
            try await $0.governance.deleteAlias(modelName: "fraud", alias: "champion", actor: $1)
        },
        on(.aliases, .read) { _ = try await $0.catalog.aliases(modelName: "fraud", actor: $1) },
        on(.resolve, .read) {
            _ = try await $0.catalog.resolve(try ModelURI(parsing: "models:/fraud@champion"), actor: $1)
        },
        global(.events, .read) { _ = try await $0.governance.events(afterSequence: 0, actor: $1) },
        global(.searchModels, .read) {
            let order = [SearchOrder(field: .attribute("creation_timestamp"))]
            _ = try await $0.catalog.searchModels(
                filter: ModelFilter(),
                order: order,
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.searchVersions, .read) {
            _ = try await $0.catalog.searchVersions(clauses: [], order: [], pageToken: nil, limit: 10, actor: $1)
        },
        on(.searchVersions, .read, note: "name = 'fraud'") {
            let name = SearchClause(field: .attribute("name"), op: .equal, value: .string("fraud"))
            _ = try await $0.catalog.searchVersions(clauses: [name], order: [], pageToken: nil, limit: 10, actor: $1)
        },
        on(.createVersion, .write) {
            _ = try await $0.catalog.createVersion(modelName: "fraud", NewVersion(), actor: $1)
        }.refusingAnonymous,
        on(.version, .read) {
            _ = try await $0.catalog.version(modelName: "fraud", number: 1, actor: $1)
        },
        on(.listVersions, .read) {
            _ = try await $0.catalog.listVersions(modelName: "fraud", actor: $1)
        },
        on(.updateVersion, .write) {
            _ = try await $0.catalog.updateVersion(modelName: "fraud", number: 1, description: "d", actor: $1)
        },
        on(.setVersionTag, .write) {
            _ = try await $0.catalog.setVersionTag(modelName: "fraud", number: 1, key: "k2", value: "v", actor: $1)
        },
        on(.deleteVersionTag, .write) {
            _ = try await $0.catalog.deleteVersionTag(modelName: "fraud", number: 1, key: "k", actor: $1)
        },
        on(.deleteVersion, .delete, records: true) {
            try await $0.catalog.deleteVersion(modelName: "fraud", number: 1, actor: $1)
        }.refusingAnonymous,
        on(.uploadFile, .write) {
            try await $0.upload(bytes("x"), modelName: "fraud", number: 3, path: "x.bin", actor: $1)
        }.refusingAnonymous,
        on(.finalizeVersion, .write) {
            _ = try await $0.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: $1)
        }.refusingAnonymous,
        on(.files, .read) {
            _ = try await $0.catalog.files(modelName: "fraud", number: 1, actor: $1)
        },
        on(.versionArchive, .read) {
            _ = try await $0.catalog.versionArchive(modelName: "fraud", number: 1, actor: $1)
        },
        on(.openFile, .read) {
            _ = try await $0.catalog.openFile(modelName: "fraud", number: 1, path: "model.bin", actor: $1)
        },
        on(.transitionStage, .write, records: true, note: "Production") {
            _ = try await $0.governance.transitionStage(
                modelName: "fraud",
                number: 1,
                to: .production,
                archiveExisting: true,
                actor: $1
            )
        },
        on(.transitionStage, .write, records: true, note: "Staging") {
            _ = try await $0.governance.transitionStage(
                modelName: "fraud",
                number: 1,
                to: .staging,
                archiveExisting: false,
                actor: $1
            )
        },
        on(.latestVersions, .read) {
            _ = try await $0.catalog.latestVersions(modelName: "fraud", stages: [], actor: $1)
        },
        on(.versionByID, .read, hides: true) { _ = try await $0.catalog.version(id: $2.versionID, actor: $1) },
        on(.registerVersion, .write, note: "models:/") {
            _ = try await $0.catalog.registerVersion(
                modelName: "fraud",
                source: "models:/fraud/1",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: $1
            )
        }.refusingAnonymous,
        EnforcementCase(
            useCase: .registerVersion,
            needs: [Need(action: .write, model: "fraud"), Need(action: .read, model: nil)],
            records: false,
            hidesExistence: false,
            note: "runs:/"
        ) {
            _ = try await $0.catalog.registerVersion(
                modelName: "fraud",
                source: "runs:/\($2.runID)/artifacts",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: $1
            )
        }.refusingAnonymous,
        on(.downloadURI, .read) {
            _ = try await $0.catalog.downloadURI(modelName: "fraud", number: 1, actor: $1)
        },
        on(.browseArtifacts, .read, hides: true, note: "a version's view") {
            _ = try await $0.browseArtifacts(directory: "_cairn/versions/\($2.versionID)", actor: $1)
        },
        global(.browseArtifacts, .read) {
            _ = try await $0.browseArtifacts(directory: "1", actor: $1)
        },
        on(.readArtifact, .read, hides: true, note: "a version's view") {
            _ = try await $0.readArtifact(path: "_cairn/versions/\($2.versionID)/model.bin", range: nil, actor: $1)
        },
        global(.readArtifact, .read) {
            _ = try await $0.readArtifact(path: "1/\($2.runID)/artifacts/a.txt", range: nil, actor: $1)
        },
    ]
}

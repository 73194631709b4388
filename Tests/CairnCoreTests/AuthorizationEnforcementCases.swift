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

    static func make() async throws -> EnforcementFixture {
        let clock = ManualClock()
        let blobs = InMemoryBlobStore(clock: clock)
        let store = ChangeCountingStore(InMemoryMetadataStore())
        let service = makeService(store: store, blobs: blobs, clock: clock)
        let admin = Principal.testAdmin
        try await service.bootstrapTracking()
        _ = try await service.bootstrapAdmin()
        _ = try await service.createModel(name: "fraud", tags: ["team": "risk"], actor: admin)
        let version = try await service.publishVersion(modelName: "fraud", files: ["model.bin": bytes("weights")])
        _ = try await service.setVersionTag(modelName: "fraud", number: 1, key: "k", value: "v", actor: admin)
        _ = try await service.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: admin)
        // Version 1 was in Production and is archived now, so a rollback has something to restore; `fraud`'s policy
        // guards the alias `protected`, with a request pending.
        _ = try await service.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: admin
        )
        // Version 2 replaced it there (archiving it), then was pulled out by hand, so it is not restored.
        _ = try await service.publishVersion(modelName: "fraud", files: ["model.bin": bytes("weights 2")])
        _ = try await service.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .production,
            archiveExisting: true,
            actor: admin
        )
        _ = try await service.transitionStage(
            modelName: "fraud",
            number: 2,
            to: .archived,
            archiveExisting: false,
            actor: admin
        )
        _ = try await service.setPolicy(
            modelName: "fraud",
            policy: Policy(aliases: ["protected": TransitionRule(approvals: 1)]),
            actor: admin
        )
        let request = try await service.requestTransition(
            modelName: "fraud",
            number: 1,
            to: .alias("protected"),
            archiveExisting: false,
            comment: "ready",
            actor: admin
        )
        _ = try await service.createVersion(modelName: "fraud", NewVersion(), actor: admin)
        _ = try await service.createModel(name: "other", actor: admin)
        _ = try await service.createExperiment(name: "exp", tags: ["t": "v"], actor: admin)
        let run = try await service.createRun(
            experimentID: "1",
            name: "r",
            userID: "u",
            startTime: 1,
            tags: ["t": "v"],
            actor: admin
        )
        let point = MetricPoint(key: "loss", value: 1, timestamp: 1, step: 0)
        try await service.logBatch(runID: run.id, metrics: [point], params: ["p": "1"], tags: [:], actor: admin)
        let logged = try await service.createLoggedModel(
            experimentID: "1",
            name: "lm",
            sourceRunID: run.id,
            modelType: "",
            params: [:],
            tags: ["t": "v"],
            actor: admin
        )
        try await service.putArtifact(bytes("a"), at: "1/\(run.id)/artifacts/a.txt")
        _ = try await service.createAccount(name: "dana", kind: .user, actor: admin)
        try await service.grant(Grant(.viewer), to: "dana", actor: admin)
        let token = try await service.createToken(accountName: "dana", actor: admin)
        return EnforcementFixture(
            service: service,
            store: store,
            blobs: blobs,
            versionID: version.id,
            runID: run.id,
            loggedModelID: logged.id,
            tokenID: token.token.id,
            requestID: request.request!.id
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

    /// The use case's signature, as in ``RegistryService/useCases``.
    var signature: String
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

    var testDescription: String { signature + (note.isEmpty ? "" : " [\(note)]") }

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
        _ signature: String,
        _ action: Action,
        _ model: String? = "fraud",
        records: Bool = false,
        hides: Bool = false,
        note: String = "",
        _ call: @escaping SimpleCall
    ) -> EnforcementCase {
        on(signature, action, model, records: records, hides: hides, note: note) { service, actor, _ in
            try await call(service, actor)
        }
    }

    static func global(_ signature: String, _ action: Action, records: Bool = false, _ call: @escaping SimpleCall)
        -> EnforcementCase
    {
        on(signature, action, nil, records: records) { service, actor, _ in try await call(service, actor) }
    }

    static func on(
        _ signature: String,
        _ action: Action,
        _ model: String? = "fraud",
        records: Bool = false,
        hides: Bool = false,
        note: String = "",
        _ call: @escaping Call
    ) -> EnforcementCase {
        EnforcementCase(
            signature: signature,
            needs: [Need(action: action, model: model)],
            records: records,
            hidesExistence: hides,
            note: note,
            call: call
        )
    }

    static func global(_ signature: String, _ action: Action, records: Bool = false, _ call: @escaping Call)
        -> EnforcementCase
    {
        on(signature, action, nil, records: records, call)
    }

    /// Every public use case that takes an actor (the registry's; tracking and identity are in the next file).
    static let all: [EnforcementCase] = registry + governance + tracking + identity

    static let registry: [EnforcementCase] = [
        on("createModel(name:description:tags:actor:)", .write, "fraud-2") {
            try await $0.createModel(name: "fraud-2", actor: $1)
        },
        on("model(named:actor:)", .read) { _ = try await $0.model(named: "fraud", actor: $1) },
        global("listModels(filter:pageToken:limit:actor:)", .read) { _ = try await $0.listModels(actor: $1) },
        on("updateModel(name:description:actor:)", .write) {
            _ = try await $0.updateModel(name: "fraud", description: "d", actor: $1)
        },
        EnforcementCase(
            signature: "renameModel(name:to:actor:)",
            needs: [Need(action: .write, model: "other"), Need(action: .write, model: "other-renamed")],
            records: true,
            hidesExistence: false,
            note: "both names"
        ) { service, actor, _ in _ = try await service.renameModel(name: "other", to: "other-renamed", actor: actor) },
        EnforcementCase(
            signature: "renameModel(name:to:actor:)",
            needs: [
                Need(action: .write, model: "fraud"), Need(action: .write, model: "fraud-renamed"),
                Need(action: .administer, model: nil),
            ],
            records: true,
            hidesExistence: false,
            note: "own policy: needs admin"
        ) { service, actor, _ in _ = try await service.renameModel(name: "fraud", to: "fraud-renamed", actor: actor) },
        on("deleteModel(name:actor:)", .delete, "other", records: true) {
            try await $0.deleteModel(name: "other", actor: $1)
        },
        EnforcementCase(
            signature: "deleteModel(name:actor:)",
            needs: [Need(action: .delete, model: "fraud"), Need(action: .administer, model: nil)],
            records: true,
            hidesExistence: false,
            note: "own policy: needs admin"
        ) { service, actor, _ in try await service.deleteModel(name: "fraud", actor: actor) },
        on("setModelTag(name:key:value:actor:)", .write) {
            _ = try await $0.setModelTag(name: "fraud", key: "k", value: "v", actor: $1)
        },
        on("deleteModelTag(name:key:actor:)", .write) {
            _ = try await $0.deleteModelTag(name: "fraud", key: "team", actor: $1)
        },
        on("setAlias(modelName:alias:number:actor:)", .write, records: true) {
            _ = try await $0.setAlias(modelName: "fraud", alias: "challenger", number: 1, actor: $1)
        },
        on("deleteAlias(modelName:alias:actor:)", .write) {
            try await $0.deleteAlias(modelName: "fraud", alias: "champion", actor: $1)
        },
        on("aliases(modelName:actor:)", .read) { _ = try await $0.aliases(modelName: "fraud", actor: $1) },
        on("resolve(_:actor:)", .read) {
            _ = try await $0.resolve(try ModelURI(parsing: "models:/fraud@champion"), actor: $1)
        },
        global("events(afterSequence:limit:actor:)", .read) { _ = try await $0.events(afterSequence: 0, actor: $1) },
        global("searchModels(filter:order:pageToken:limit:actor:)", .read) {
            let order = [SearchOrder(field: .attribute("creation_timestamp"))]
            _ = try await $0.searchModels(filter: ModelFilter(), order: order, pageToken: nil, limit: 10, actor: $1)
        },
        global("searchVersions(clauses:order:pageToken:limit:actor:)", .read) {
            _ = try await $0.searchVersions(clauses: [], order: [], pageToken: nil, limit: 10, actor: $1)
        },
        on("searchVersions(clauses:order:pageToken:limit:actor:)", .read, note: "name = 'fraud'") {
            let name = SearchClause(field: .attribute("name"), op: .equal, value: .string("fraud"))
            _ = try await $0.searchVersions(clauses: [name], order: [], pageToken: nil, limit: 10, actor: $1)
        },
        on("createVersion(modelName:_:actor:)", .write) {
            _ = try await $0.createVersion(modelName: "fraud", NewVersion(), actor: $1)
        }.refusingAnonymous,
        on("version(modelName:number:actor:)", .read) {
            _ = try await $0.version(modelName: "fraud", number: 1, actor: $1)
        },
        on("listVersions(modelName:pageToken:limit:actor:)", .read) {
            _ = try await $0.listVersions(modelName: "fraud", actor: $1)
        },
        on("updateVersion(modelName:number:description:actor:)", .write) {
            _ = try await $0.updateVersion(modelName: "fraud", number: 1, description: "d", actor: $1)
        },
        on("setVersionTag(modelName:number:key:value:actor:)", .write) {
            _ = try await $0.setVersionTag(modelName: "fraud", number: 1, key: "k2", value: "v", actor: $1)
        },
        on("deleteVersionTag(modelName:number:key:actor:)", .write) {
            _ = try await $0.deleteVersionTag(modelName: "fraud", number: 1, key: "k", actor: $1)
        },
        on("deleteVersion(modelName:number:actor:)", .delete, records: true) {
            try await $0.deleteVersion(modelName: "fraud", number: 1, actor: $1)
        }.refusingAnonymous,
        on("uploadFile(modelName:number:path:expectedDigest:expectedSize:actor:writeBody:)", .write) {
            try await $0.upload(bytes("x"), modelName: "fraud", number: 3, path: "x.bin", actor: $1)
        }.refusingAnonymous,
        on("finalizeVersion(modelName:number:actor:)", .write) {
            _ = try await $0.finalizeVersion(modelName: "fraud", number: 1, actor: $1)
        }.refusingAnonymous,
        on("files(modelName:number:actor:)", .read) {
            _ = try await $0.files(modelName: "fraud", number: 1, actor: $1)
        },
        on("versionArchive(modelName:number:actor:)", .read) {
            _ = try await $0.versionArchive(modelName: "fraud", number: 1, actor: $1)
        },
        on("openFile(modelName:number:path:range:actor:)", .read) {
            _ = try await $0.openFile(modelName: "fraud", number: 1, path: "model.bin", actor: $1)
        },
        on("transitionStage(modelName:number:to:archiveExisting:actor:)", .write, records: true, note: "Production") {
            _ = try await $0.transitionStage(
                modelName: "fraud",
                number: 1,
                to: .production,
                archiveExisting: true,
                actor: $1
            )
        },
        on("transitionStage(modelName:number:to:archiveExisting:actor:)", .write, records: true, note: "Staging") {
            _ = try await $0.transitionStage(
                modelName: "fraud",
                number: 1,
                to: .staging,
                archiveExisting: false,
                actor: $1
            )
        },
        on("latestVersions(modelName:stages:actor:)", .read) {
            _ = try await $0.latestVersions(modelName: "fraud", stages: [], actor: $1)
        },
        on("version(id:actor:)", .read, hides: true) { _ = try await $0.version(id: $2.versionID, actor: $1) },
        on("registerVersion(modelName:source:runID:runLink:description:tags:actor:)", .write, note: "models:/") {
            _ = try await $0.registerVersion(
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
            signature: "registerVersion(modelName:source:runID:runLink:description:tags:actor:)",
            needs: [Need(action: .write, model: "fraud"), Need(action: .read, model: nil)],
            records: false,
            hidesExistence: false,
            note: "runs:/"
        ) {
            _ = try await $0.registerVersion(
                modelName: "fraud",
                source: "runs:/\($2.runID)/artifacts",
                runID: nil,
                runLink: nil,
                description: "",
                tags: [:],
                actor: $1
            )
        }.refusingAnonymous,
        on("downloadURI(modelName:number:actor:)", .read) {
            _ = try await $0.downloadURI(modelName: "fraud", number: 1, actor: $1)
        },
        on("browseArtifacts(directory:actor:)", .read, hides: true, note: "a version's view") {
            _ = try await $0.browseArtifacts(directory: "_cairn/versions/\($2.versionID)", actor: $1)
        },
        global("browseArtifacts(directory:actor:)", .read) {
            _ = try await $0.browseArtifacts(directory: "1", actor: $1)
        },
        on("readArtifact(path:range:actor:)", .read, hides: true, note: "a version's view") {
            _ = try await $0.readArtifact(path: "_cairn/versions/\($2.versionID)/model.bin", range: nil, actor: $1)
        },
        global("readArtifact(path:range:actor:)", .read) {
            _ = try await $0.readArtifact(path: "1/\($2.runID)/artifacts/a.txt", range: nil, actor: $1)
        },
    ]
}

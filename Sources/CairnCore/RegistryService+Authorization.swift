import Foundation

/// What one public use case of ``RegistryService`` needs from its actor (decision 0007).
public struct UseCaseRule: Hashable, Sendable {
    /// Which check a use case runs before it reads or changes anything.
    public enum Need: Hashable, Sendable {
        /// `action` on the model the call names: global, exact-name and prefix grants apply.
        case onModel(Action)
        /// `action` on the model when the call concerns one (a version's files, a search pinned to one name), else
        /// with global grants only.
        case onModelOrGlobal(Action)
        /// `action` with global grants only: tracking entities, listings and the event log belong to no model.
        case global(Action)
        /// ``Action/administer``, or being the account itself.
        case administerOrSelf
        /// ``Action/administer`` on the request's model, or ``Action/write`` on it for the request's own requester.
        case administerOrRequester
        /// Takes no actor and acts as ``Principal/system``: server start-up and background jobs.
        case system
        /// Not a guarded use case: authentication itself and the authorization helpers.
        case unguarded
    }

    /// The Swift name of the method with its argument labels, as in source: `model(named:actor:)`.
    public var signature: String
    public var need: Need
    /// Whether a refusal is also recorded as an `access.denied` event: deletes, administration, and the guarded
    /// actions of governance (promotions, approvals, rollbacks, policies).
    public var recordsDenial: Bool

    public init(_ signature: String, _ need: Need, recordsDenial: Bool = false) {
        self.signature = signature
        self.need = need
        self.recordsDenial = recordsDenial
    }
}

extension RegistryService {
    /// Every public use case and the action it needs — the one list, kept next to the use cases. A test compares it
    /// with the `public func`s of `RegistryService+*.swift`, and the enforcement test runs each entry against every
    /// kind of principal, so a new use case cannot ship without a rule.
    public static let useCases: [UseCaseRule] = models + versions + governance + tracking + identity

    private static let models: [UseCaseRule] = [
        UseCaseRule("createModel(name:description:tags:actor:)", .onModel(.write)),
        UseCaseRule("model(named:actor:)", .onModel(.read)),
        UseCaseRule("listModels(filter:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("updateModel(name:description:actor:)", .onModel(.write)),
        UseCaseRule("renameModel(name:to:actor:)", .onModel(.write), recordsDenial: true),
        UseCaseRule("deleteModel(name:actor:)", .onModel(.delete), recordsDenial: true),
        UseCaseRule("setModelTag(name:key:value:actor:)", .onModel(.write)),
        UseCaseRule("deleteModelTag(name:key:actor:)", .onModel(.write)),
        UseCaseRule("setAlias(modelName:alias:number:actor:)", .onModel(.write), recordsDenial: true),
        UseCaseRule("deleteAlias(modelName:alias:actor:)", .onModel(.write)),
        UseCaseRule("aliases(modelName:actor:)", .onModel(.read)),
        UseCaseRule("resolve(_:actor:)", .onModel(.read)),
        UseCaseRule("events(afterSequence:limit:actor:)", .global(.read)),
        UseCaseRule("searchModels(filter:order:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("searchVersions(clauses:order:pageToken:limit:actor:)", .onModelOrGlobal(.read)),
    ]

    private static let versions: [UseCaseRule] = [
        UseCaseRule("createVersion(modelName:_:actor:)", .onModel(.write)),
        UseCaseRule("version(modelName:number:actor:)", .onModel(.read)),
        UseCaseRule("listVersions(modelName:pageToken:limit:actor:)", .onModel(.read)),
        UseCaseRule("updateVersion(modelName:number:description:actor:)", .onModel(.write)),
        UseCaseRule("setVersionTag(modelName:number:key:value:actor:)", .onModel(.write)),
        UseCaseRule("deleteVersionTag(modelName:number:key:actor:)", .onModel(.write)),
        UseCaseRule("deleteVersion(modelName:number:actor:)", .onModel(.delete), recordsDenial: true),
        UseCaseRule("uploadFile(modelName:number:path:expectedDigest:expectedSize:actor:writeBody:)", .onModel(.write)),
        UseCaseRule("finalizeVersion(modelName:number:actor:)", .onModel(.write)),
        UseCaseRule("files(modelName:number:actor:)", .onModel(.read)),
        UseCaseRule("versionArchive(modelName:number:actor:)", .onModel(.read)),
        UseCaseRule("openFile(modelName:number:path:range:actor:)", .onModel(.read)),
        UseCaseRule("expireStalePendingVersions(olderThanSeconds:)", .system),
        UseCaseRule("collectGarbage(graceSeconds:batchSize:)", .system),
        UseCaseRule(
            "transitionStage(modelName:number:to:archiveExisting:actor:)",
            .onModel(.write),
            recordsDenial: true
        ),
        UseCaseRule("latestVersions(modelName:stages:actor:)", .onModel(.read)),
        UseCaseRule("version(id:actor:)", .onModel(.read)),
        UseCaseRule("registerVersion(modelName:source:runID:runLink:description:tags:actor:)", .onModel(.write)),
        UseCaseRule("downloadURI(modelName:number:actor:)", .onModel(.read)),
        UseCaseRule("browseArtifacts(directory:actor:)", .onModelOrGlobal(.read)),
        UseCaseRule("readArtifact(path:range:actor:)", .onModelOrGlobal(.read)),
    ]

    private static let governance: [UseCaseRule] = [
        UseCaseRule(
            "requestTransition(modelName:number:to:archiveExisting:comment:actor:)",
            .onModel(.write),
            recordsDenial: true
        ),
        UseCaseRule("approveTransition(requestID:comment:actor:)", .onModel(.approve), recordsDenial: true),
        UseCaseRule("rejectTransition(requestID:comment:actor:)", .onModel(.approve), recordsDenial: true),
        UseCaseRule("cancelTransition(requestID:comment:actor:)", .administerOrRequester, recordsDenial: true),
        UseCaseRule("transitionRequest(id:actor:)", .onModel(.read)),
        UseCaseRule("transitionRequests(modelName:state:after:limit:actor:)", .onModelOrGlobal(.read)),
        UseCaseRule("setPolicy(modelName:policy:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("deletePolicy(modelName:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("policy(modelName:actor:)", .onModelOrGlobal(.read)),
        UseCaseRule("modelCard(modelName:number:actor:)", .onModel(.read)),
        UseCaseRule("setModelCard(modelName:number:card:expectedRevision:actor:)", .onModel(.write)),
        UseCaseRule("rollback(modelName:reason:actor:)", .onModel(.write), recordsDenial: true),
        UseCaseRule("stageHistory(modelName:at:actor:)", .onModel(.read)),
        UseCaseRule("provenance(_:actor:)", .onModel(.read)),
        UseCaseRule("auditLog(_:afterSequence:limit:actor:)", .global(.read)),
        UseCaseRule("chainHead(actor:)", .global(.read)),
        UseCaseRule("verifyEventChain(against:batchSize:actor:)", .global(.read)),
    ]

    private static let tracking: [UseCaseRule] = [
        UseCaseRule("bootstrapTracking()", .system),
        UseCaseRule("createExperiment(name:tags:artifactLocation:actor:)", .global(.write)),
        UseCaseRule("experiment(id:actor:)", .global(.read)),
        UseCaseRule("experiment(named:actor:)", .global(.read)),
        UseCaseRule("searchExperiments(stages:clauses:order:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("renameExperiment(id:to:actor:)", .global(.write)),
        UseCaseRule("setExperimentTag(id:key:value:actor:)", .global(.write)),
        UseCaseRule("deleteExperimentTag(id:key:actor:)", .global(.write)),
        UseCaseRule("deleteExperiment(id:actor:)", .global(.write)),
        UseCaseRule("restoreExperiment(id:actor:)", .global(.write)),
        UseCaseRule("createRun(experimentID:name:userID:startTime:tags:actor:)", .global(.write)),
        UseCaseRule("run(id:actor:)", .global(.read)),
        UseCaseRule("updateRun(id:status:endTime:name:actor:)", .global(.write)),
        UseCaseRule("deleteRun(id:actor:)", .global(.write)),
        UseCaseRule("restoreRun(id:actor:)", .global(.write)),
        UseCaseRule("logBatch(runID:metrics:params:tags:actor:)", .global(.write)),
        UseCaseRule("logInputs(runID:inputs:models:actor:)", .global(.write)),
        UseCaseRule("logOutputs(runID:outputs:actor:)", .global(.write)),
        UseCaseRule("deleteRunTag(runID:key:actor:)", .global(.write)),
        UseCaseRule("searchRuns(experimentIDs:stages:clauses:order:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("metricHistory(runID:key:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("createLoggedModel(experimentID:name:sourceRunID:modelType:params:tags:actor:)", .global(.write)),
        UseCaseRule("loggedModel(id:actor:)", .global(.read)),
        UseCaseRule("finalizeLoggedModel(id:status:actor:)", .global(.write)),
        UseCaseRule("setLoggedModelTags(id:tags:actor:)", .global(.write)),
        UseCaseRule("deleteLoggedModelTag(id:key:actor:)", .global(.write)),
        UseCaseRule("deleteLoggedModel(id:actor:)", .global(.delete), recordsDenial: true),
        UseCaseRule("logLoggedModelParams(id:params:actor:)", .global(.write)),
        UseCaseRule("searchLoggedModels(experimentIDs:clauses:order:datasets:pageToken:limit:actor:)", .global(.read)),
        UseCaseRule("uploadArtifact(path:expectedSize:actor:writeBody:)", .global(.write)),
        UseCaseRule("createArtifactMultipartUpload(path:partCount:actor:)", .global(.write)),
        UseCaseRule("completeArtifactMultipartUpload(path:uploadID:parts:actor:)", .global(.write)),
        UseCaseRule("abortArtifactMultipartUpload(path:uploadID:actor:)", .global(.write)),
        // Authorized by the upload's part token, a capability handed to the principal who opened the upload.
        UseCaseRule("uploadArtifactPart(uploadID:partNumber:partToken:expectedSize:writeBody:)", .unguarded),
        UseCaseRule("listArtifacts(directory:actor:)", .global(.read)),
        UseCaseRule("openArtifact(path:range:actor:)", .global(.read)),
        UseCaseRule("deleteArtifacts(path:actor:)", .global(.delete), recordsDenial: true),
    ]

    private static let identity: [UseCaseRule] = [
        UseCaseRule("createAccount(name:kind:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("accounts(actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("account(named:actor:)", .administerOrSelf, recordsDenial: true),
        UseCaseRule("disableAccount(name:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("enableAccount(name:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("setPassword(accountName:password:currentPassword:actor:)", .administerOrSelf, recordsDenial: true),
        UseCaseRule("grant(_:to:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("revoke(_:from:actor:)", .global(.administer), recordsDenial: true),
        UseCaseRule("createToken(accountName:description:expiresAt:actor:)", .administerOrSelf, recordsDenial: true),
        UseCaseRule("tokens(accountName:actor:)", .administerOrSelf, recordsDenial: true),
        UseCaseRule("revokeToken(id:actor:)", .administerOrSelf, recordsDenial: true),
        UseCaseRule("bootstrapAdmin(name:beforeCommit:)", .system),
        UseCaseRule("authenticate(_:)", .unguarded),
        UseCaseRule("authorize(_:_:model:attempted:)", .unguarded),
        UseCaseRule("recordDenial(actor:action:model:attempted:reason:)", .unguarded),
    ]

    // MARK: Checks shared by the use cases

    /// For lookups by id (a version id, a version's artifact view): refuses a caller who may read nothing at all,
    /// then reports a record the caller may not read exactly like a missing one, so that ids reveal no model names.
    /// - Throws: `.permissionDenied`/`.unauthenticated` (reads nothing), or `notFound` when `model` is not readable.
    func requireReadable(_ actor: Principal, model: String?, notFound: RegistryError) throws(RegistryError) {
        if actor.kind != .system, !actor.grants.contains(where: { $0.role.allows(.read) }) {
            try Authorization.require(actor, .read, model: nil)
        }
        guard let model, Authorization.decide(actor, .read, model: model).isAllowed else { throw notFound }
    }
}

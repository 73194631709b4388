/// Every use case of ``RegistryService``: the names its authorization rules and store permits are keyed by
/// (decision 0018).
///
/// A use case touches the store only through its area's port, and every read or write there takes a ``Permit``,
/// which only the admission functions of ``ServiceCore`` issue, by applying ``rule``. So a new use case cannot read or
/// change anything until it has a case here, the compiler then demands its rule (the switch in ``rule`` is
/// exhaustive), and the enforcement tests, which switch over every case, demand a probe of it.
public enum UseCase: String, CaseIterable, Sendable {
    // MARK: Catalog: models, versions, aliases, files (``CatalogService``)
    case createModel
    case model
    case listModels
    case updateModel
    case renameModel
    case deleteModel
    case setModelTag
    case deleteModelTag
    case aliases
    case resolve
    case searchModels
    case searchVersions
    case createVersion
    case version
    case listVersions
    case updateVersion
    case setVersionTag
    case deleteVersionTag
    case deleteVersion
    case uploadFile
    case finalizeVersion
    case files
    case versionArchive
    case openFile
    case expireStalePendingVersions
    case collectGarbage
    case latestVersions
    case versionByID
    case registerVersion
    case downloadURI
    case browseArtifacts
    case readArtifact

    // MARK: Tracking: experiments, runs, logged models, run artifacts (``TrackingService``)
    case bootstrapTracking
    case createExperiment
    case experiment
    case experimentByName
    case searchExperiments
    case renameExperiment
    case setExperimentTag
    case deleteExperimentTag
    case deleteExperiment
    case restoreExperiment
    case createRun
    case run
    case updateRun
    case deleteRun
    case restoreRun
    case logBatch
    case logInputs
    case logOutputs
    case deleteRunTag
    case searchRuns
    case metricHistory
    case createLoggedModel
    case loggedModel
    case finalizeLoggedModel
    case setLoggedModelTags
    case deleteLoggedModelTag
    case deleteLoggedModel
    case logLoggedModelParams
    case searchLoggedModels
    case uploadArtifact
    case createArtifactMultipartUpload
    case completeArtifactMultipartUpload
    case abortArtifactMultipartUpload
    case uploadArtifactPart
    case listArtifacts
    case openArtifact
    case deleteArtifacts

    // MARK: Identity: accounts, grants, tokens, authentication (``IdentityService``)
    case createAccount
    case accounts
    case account
    case disableAccount
    case enableAccount
    case setPassword
    case grant
    case revoke
    case createToken
    case tokens
    case revokeToken
    case bootstrapAdmin
    case authenticate
    case recordDenial

    // MARK: Governance: promotions, aliases, policies, model cards, history, the audit log (``GovernanceService``)
    case requestTransition
    case approveTransition
    case rejectTransition
    case cancelTransition
    case transitionRequest
    case transitionRequests
    case setPolicy
    case deletePolicy
    case policy
    case modelCard
    case setModelCard
    case rollback
    case stageHistory
    case provenance
    case auditLog
    case chainHead
    case verifyEventChain
    case transitionStage
    case events
    case watchEvents
    case setAlias
    case deleteAlias

    // MARK: Delivery: webhooks and their outbox (``DeliveryService``)
    case createWebhook
    case webhooks
    case webhook
    case updateWebhook
    case deleteWebhook
    case testWebhook
    case webhookDeliveries
    case redeliverWebhook
    case dispatchWebhooks
    case pruneDeliveries
    case reportDeployment
    case deployments
}

extension UseCase {
    /// What the use case needs from its caller.
    public var rule: UseCaseRule {
        switch self {
        case .createModel: .init(.onModel(.write))
        case .model: .init(.onModel(.read))
        case .listModels: .init(.global(.read))
        case .updateModel: .init(.onModel(.write))
        case .renameModel: .init(.onModel(.write), recordsDenial: true)
        case .deleteModel: .init(.onModel(.delete), recordsDenial: true)
        case .setModelTag: .init(.onModel(.write))
        case .deleteModelTag: .init(.onModel(.write))
        case .aliases: .init(.onModel(.read))
        case .resolve: .init(.onModel(.read))
        case .searchModels: .init(.global(.read))
        case .searchVersions: .init(.onModelOrGlobal(.read))
        case .createVersion: .init(.onModel(.write))
        case .version: .init(.onModel(.read))
        case .listVersions: .init(.onModel(.read))
        case .updateVersion: .init(.onModel(.write))
        case .setVersionTag: .init(.onModel(.write))
        case .deleteVersionTag: .init(.onModel(.write))
        case .deleteVersion: .init(.onModel(.delete), recordsDenial: true)
        case .uploadFile: .init(.onModel(.write))
        case .finalizeVersion: .init(.onModel(.write))
        case .files: .init(.onModel(.read))
        case .versionArchive: .init(.onModel(.read))
        case .openFile: .init(.onModel(.read))
        case .expireStalePendingVersions: .init(.system)
        case .collectGarbage: .init(.system)
        case .latestVersions: .init(.onModel(.read))
        case .versionByID: .init(.onModel(.read))
        case .registerVersion: .init(.onModel(.write))
        case .downloadURI: .init(.onModel(.read))
        case .browseArtifacts: .init(.onModelOrGlobal(.read))
        case .readArtifact: .init(.onModelOrGlobal(.read))
        case .bootstrapTracking: .init(.system)
        case .createExperiment: .init(.global(.write))
        case .experiment: .init(.global(.read))
        case .experimentByName: .init(.global(.read))
        case .searchExperiments: .init(.global(.read))
        case .renameExperiment: .init(.global(.write))
        case .setExperimentTag: .init(.global(.write))
        case .deleteExperimentTag: .init(.global(.write))
        case .deleteExperiment: .init(.global(.write))
        case .restoreExperiment: .init(.global(.write))
        case .createRun: .init(.global(.write))
        case .run: .init(.global(.read))
        case .updateRun: .init(.global(.write))
        case .deleteRun: .init(.global(.write))
        case .restoreRun: .init(.global(.write))
        case .logBatch: .init(.global(.write))
        case .logInputs: .init(.global(.write))
        case .logOutputs: .init(.global(.write))
        case .deleteRunTag: .init(.global(.write))
        case .searchRuns: .init(.global(.read))
        case .metricHistory: .init(.global(.read))
        case .createLoggedModel: .init(.global(.write))
        case .loggedModel: .init(.global(.read))
        case .finalizeLoggedModel: .init(.global(.write))
        case .setLoggedModelTags: .init(.global(.write))
        case .deleteLoggedModelTag: .init(.global(.write))
        case .deleteLoggedModel: .init(.global(.delete), recordsDenial: true)
        case .logLoggedModelParams: .init(.global(.write))
        case .searchLoggedModels: .init(.global(.read))
        case .uploadArtifact: .init(.global(.write))
        case .createArtifactMultipartUpload: .init(.global(.write))
        case .completeArtifactMultipartUpload: .init(.global(.write))
        case .abortArtifactMultipartUpload: .init(.global(.write))
        case .uploadArtifactPart: .init(.unguarded)
        case .listArtifacts: .init(.global(.read))
        case .openArtifact: .init(.global(.read))
        case .deleteArtifacts: .init(.global(.delete), recordsDenial: true)
        case .createAccount: .init(.global(.administer), recordsDenial: true)
        case .accounts: .init(.global(.administer), recordsDenial: true)
        case .account: .init(.administerOrSelf, recordsDenial: true)
        case .disableAccount: .init(.global(.administer), recordsDenial: true)
        case .enableAccount: .init(.global(.administer), recordsDenial: true)
        case .setPassword: .init(.administerOrSelf, recordsDenial: true)
        case .grant: .init(.global(.administer), recordsDenial: true)
        case .revoke: .init(.global(.administer), recordsDenial: true)
        case .createToken: .init(.administerOrSelf, recordsDenial: true)
        case .tokens: .init(.administerOrSelf, recordsDenial: true)
        case .revokeToken: .init(.administerOrSelf, recordsDenial: true)
        case .bootstrapAdmin: .init(.system)
        case .authenticate: .init(.unguarded)
        case .recordDenial: .init(.unguarded)
        case .requestTransition: .init(.onModel(.write), recordsDenial: true)
        case .approveTransition: .init(.onModel(.approve), recordsDenial: true)
        case .rejectTransition: .init(.onModel(.approve), recordsDenial: true)
        case .cancelTransition: .init(.administerOrRequester, recordsDenial: true)
        case .transitionRequest: .init(.onModel(.read))
        case .transitionRequests: .init(.onModelOrGlobal(.read))
        case .setPolicy: .init(.global(.administer), recordsDenial: true)
        case .deletePolicy: .init(.global(.administer), recordsDenial: true)
        case .policy: .init(.onModelOrGlobal(.read))
        case .modelCard: .init(.onModel(.read))
        case .setModelCard: .init(.onModel(.write))
        case .rollback: .init(.onModel(.write), recordsDenial: true)
        case .stageHistory: .init(.onModel(.read))
        case .provenance: .init(.onModel(.read))
        case .auditLog: .init(.global(.read))
        case .chainHead: .init(.global(.read))
        case .verifyEventChain: .init(.global(.read))
        case .transitionStage: .init(.onModel(.write), recordsDenial: true)
        case .events: .init(.global(.read))
        case .watchEvents: .init(.onModelOrGlobal(.read))
        case .setAlias: .init(.onModel(.write), recordsDenial: true)
        case .deleteAlias: .init(.onModel(.write))
        // Webhooks send every event they match to a URL an admin trusts: administration throughout.
        case .createWebhook: .init(.global(.administer), recordsDenial: true)
        case .webhooks: .init(.global(.administer), recordsDenial: true)
        case .webhook: .init(.global(.administer), recordsDenial: true)
        case .updateWebhook: .init(.global(.administer), recordsDenial: true)
        case .deleteWebhook: .init(.global(.administer), recordsDenial: true)
        case .testWebhook: .init(.global(.administer), recordsDenial: true)
        case .webhookDeliveries: .init(.global(.administer), recordsDenial: true)
        case .redeliverWebhook: .init(.global(.administer), recordsDenial: true)
        case .dispatchWebhooks: .init(.system)
        case .pruneDeliveries: .init(.system)
        // Serving hosts report what they serve with read tokens; a report changes nothing but the record of it.
        case .reportDeployment: .init(.onModel(.read))
        case .deployments: .init(.onModel(.read))
        }
    }
}

/// What one use case needs from its caller (decision 0007).
public struct UseCaseRule: Hashable, Sendable {
    /// Which check admits a caller before the use case reads or changes anything.
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
        /// Not guarded by a grant: authentication itself, recording a refusal, and an upload part authorized by its
        /// part token (a capability handed to the principal who opened the upload).
        case unguarded
    }

    public var need: Need
    /// Whether a refusal is also recorded as an `access.denied` event: deletes, administration, and the guarded
    /// actions of governance (promotions, approvals, rollbacks, policies).
    public var recordsDenial: Bool

    public init(_ need: Need, recordsDenial: Bool = false) {
        self.need = need
        self.recordsDenial = recordsDenial
    }

    /// The action the rule checks (``Action/administer`` for the account and request rules), `nil` for system and
    /// unguarded use cases.
    public var action: Action? {
        switch need {
        case .onModel(let action), .onModelOrGlobal(let action), .global(let action): action
        case .administerOrSelf, .administerOrRequester: .administer
        case .system, .unguarded: nil
        }
    }
}

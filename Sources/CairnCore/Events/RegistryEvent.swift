import Foundation

/// The event catalogue: every change the registry records, each with the payload it carries.
///
/// One case per action, so the compiler checks that a payload is the one its action promises. The payload of a stored
/// event (``AuditEvent/payload``) is the case's value as canonical JSON (``EventJSON``); ``AuditEvent/decoded()``
/// reads it back. The JSON keys are the ones the log has held since each action was introduced, so a log written by
/// any earlier release reads with these types: new fields may only be added as optionals.
///
/// Webhooks, the watch stream and the MLflow webhook adapter publish these events (``EventEnvelope``).
public enum RegistryEvent: Hashable, Sendable {
    // Models.
    case modelCreated(ModelCreated)
    case modelUpdated(DescriptionChanged)
    case modelRenamed(Renamed)
    case modelDeleted(Identified)
    case modelTagSet(TagSet)
    case modelTagDeleted(TagDeleted)
    // Versions.
    case versionCreated(VersionCreated)
    case versionRegistered(VersionRegistered)
    case versionFileUploaded(FileUploaded)
    case versionFinalized(VersionFinalized)
    case versionExpired(VersionExpired)
    case versionDeleted(Identified)
    case versionUpdated(DescriptionChanged)
    case versionTagSet(TagSet)
    case versionTagDeleted(TagDeleted)
    case versionStageChanged(StageChanged)
    case modelCardUpdated(ModelCardUpdated)
    // Aliases.
    case aliasSet(AliasSet)
    case aliasDeleted(Empty)
    // Governance.
    case policySet(PolicySet)
    case policyDeleted(Empty)
    case transitionRequested(TransitionRequested)
    case transitionApproved(TransitionApproved)
    case transitionRejected(TransitionClosed)
    case transitionCancelled(TransitionClosed)
    case transitionBlocked(TransitionBlocked)
    // Identity.
    case accountCreated(AccountCreated)
    case accountBootstrapped(AccountBootstrapped)
    case accountDisabled(Identified)
    case accountEnabled(Identified)
    case accountPasswordSet(Identified)
    case grantAdded(GrantChanged)
    case grantRevoked(GrantChanged)
    case tokenCreated(TokenCreated)
    case tokenRevoked(Identified)
    case accessDenied(AccessDenied)
    // Tracking.
    case experimentCreated(ExperimentCreated)
    case experimentRenamed(Renamed)
    case experimentTagSet(TagSet)
    case experimentTagDeleted(TagDeleted)
    case experimentDeleted(Named)
    case experimentRestored(Named)
    case runCreated(RunCreated)
    case runUpdated(RunUpdated)
    case runDeleted(RunLifecycle)
    case runRestored(RunLifecycle)
    case loggedModelCreated(LoggedModelCreated)
    case loggedModelFinalized(LoggedModelFinalized)
    case loggedModelDeleted(LoggedModelDeleted)
    case artifactDeleted(ArtifactDeleted)
    // Webhooks
    case webhookCreated(WebhookChanged)
    case webhookUpdated(WebhookChanged)
    case webhookDeleted(Identified)
    case webhookDisabled(WebhookDisabled)
    case webhookRedelivered(WebhookRedelivered)
    case deploymentSynced(DeploymentSynced)

    /// The action name the case is stored and published under.
    public var action: EventAction {
        switch self {
        case .modelCreated: .modelCreated
        case .modelUpdated: .modelUpdated
        case .modelRenamed: .modelRenamed
        case .modelDeleted: .modelDeleted
        case .modelTagSet: .modelTagSet
        case .modelTagDeleted: .modelTagDeleted
        case .versionCreated: .versionCreated
        case .versionRegistered: .versionRegistered
        case .versionFileUploaded: .versionFileUploaded
        case .versionFinalized: .versionFinalized
        case .versionExpired: .versionExpired
        case .versionDeleted: .versionDeleted
        case .versionUpdated: .versionUpdated
        case .versionTagSet: .versionTagSet
        case .versionTagDeleted: .versionTagDeleted
        case .versionStageChanged: .versionStageChanged
        case .modelCardUpdated: .modelCardUpdated
        case .aliasSet: .aliasSet
        case .aliasDeleted: .aliasDeleted
        case .policySet: .policySet
        case .policyDeleted: .policyDeleted
        case .transitionRequested: .transitionRequested
        case .transitionApproved: .transitionApproved
        case .transitionRejected: .transitionRejected
        case .transitionCancelled: .transitionCancelled
        case .transitionBlocked: .transitionBlocked
        case .accountCreated: .accountCreated
        case .accountBootstrapped: .accountBootstrapped
        case .accountDisabled: .accountDisabled
        case .accountEnabled: .accountEnabled
        case .accountPasswordSet: .accountPasswordSet
        case .grantAdded: .grantAdded
        case .grantRevoked: .grantRevoked
        case .tokenCreated: .tokenCreated
        case .tokenRevoked: .tokenRevoked
        case .accessDenied: .accessDenied
        case .experimentCreated: .experimentCreated
        case .experimentRenamed: .experimentRenamed
        case .experimentTagSet: .experimentTagSet
        case .experimentTagDeleted: .experimentTagDeleted
        case .experimentDeleted: .experimentDeleted
        case .experimentRestored: .experimentRestored
        case .runCreated: .runCreated
        case .runUpdated: .runUpdated
        case .runDeleted: .runDeleted
        case .runRestored: .runRestored
        case .loggedModelCreated: .loggedModelCreated
        case .loggedModelFinalized: .loggedModelFinalized
        case .loggedModelDeleted: .loggedModelDeleted
        case .artifactDeleted: .artifactDeleted
        case .webhookCreated: .webhookCreated
        case .webhookUpdated: .webhookUpdated
        case .webhookDeleted: .webhookDeleted
        case .webhookDisabled: .webhookDisabled
        case .webhookRedelivered: .webhookRedelivered
        case .deploymentSynced: .deploymentSynced
        }
    }

    /// The payload as canonical JSON: the text stored in the log and covered by its hash.
    /// - Throws: `.internalError` when the payload cannot be encoded (nothing is then recorded).
    public func canonicalPayload() throws(RegistryError) -> String {
        switch self {
        case .modelCreated(let p): try EventJSON.encode(p)
        case .modelUpdated(let p), .versionUpdated(let p): try EventJSON.encode(p)
        case .modelRenamed(let p), .experimentRenamed(let p): try EventJSON.encode(p)
        case .modelDeleted(let p), .versionDeleted(let p), .accountDisabled(let p), .accountEnabled(let p),
            .accountPasswordSet(let p), .tokenRevoked(let p), .webhookDeleted(let p):
            try EventJSON.encode(p)
        case .modelTagSet(let p), .versionTagSet(let p), .experimentTagSet(let p): try EventJSON.encode(p)
        case .modelTagDeleted(let p), .versionTagDeleted(let p), .experimentTagDeleted(let p): try EventJSON.encode(p)
        case .versionCreated(let p): try EventJSON.encode(p)
        case .versionRegistered(let p): try EventJSON.encode(p)
        case .versionFileUploaded(let p): try EventJSON.encode(p)
        case .versionFinalized(let p): try EventJSON.encode(p)
        case .versionExpired(let p): try EventJSON.encode(p)
        case .versionStageChanged(let p): try EventJSON.encode(p)
        case .modelCardUpdated(let p): try EventJSON.encode(p)
        case .aliasSet(let p): try EventJSON.encode(p)
        case .aliasDeleted(let p), .policyDeleted(let p): try EventJSON.encode(p)
        case .policySet(let p): try EventJSON.encode(p)
        case .transitionRequested(let p): try EventJSON.encode(p)
        case .transitionApproved(let p): try EventJSON.encode(p)
        case .transitionRejected(let p), .transitionCancelled(let p): try EventJSON.encode(p)
        case .transitionBlocked(let p): try EventJSON.encode(p)
        case .accountCreated(let p): try EventJSON.encode(p)
        case .accountBootstrapped(let p): try EventJSON.encode(p)
        case .grantAdded(let p), .grantRevoked(let p): try EventJSON.encode(p)
        case .tokenCreated(let p): try EventJSON.encode(p)
        case .accessDenied(let p): try EventJSON.encode(p)
        case .experimentCreated(let p): try EventJSON.encode(p)
        case .experimentDeleted(let p), .experimentRestored(let p): try EventJSON.encode(p)
        case .runCreated(let p): try EventJSON.encode(p)
        case .runUpdated(let p): try EventJSON.encode(p)
        case .runDeleted(let p), .runRestored(let p): try EventJSON.encode(p)
        case .loggedModelCreated(let p): try EventJSON.encode(p)
        case .loggedModelFinalized(let p): try EventJSON.encode(p)
        case .loggedModelDeleted(let p): try EventJSON.encode(p)
        case .artifactDeleted(let p): try EventJSON.encode(p)
        case .webhookCreated(let p), .webhookUpdated(let p): try EventJSON.encode(p)
        case .webhookDisabled(let p): try EventJSON.encode(p)
        case .webhookRedelivered(let p): try EventJSON.encode(p)
        case .deploymentSynced(let p): try EventJSON.encode(p)
        }
    }

    /// Reads the payload stored under `action`.
    /// - Throws: `.internalError` naming the action when the text is not that action's payload.
    public init(action: EventAction, payload text: String) throws(RegistryError) {
        func read<P: Decodable>(_: P.Type = P.self) throws(RegistryError) -> P {
            try EventJSON.decode(P.self, from: text, what: "a '\(action.rawValue)' event")
        }
        self =
            switch action {
            case .modelCreated: .modelCreated(try read())
            case .modelUpdated: .modelUpdated(try read())
            case .modelRenamed: .modelRenamed(try read())
            case .modelDeleted: .modelDeleted(try read())
            case .modelTagSet: .modelTagSet(try read())
            case .modelTagDeleted: .modelTagDeleted(try read())
            case .versionCreated: .versionCreated(try read())
            case .versionRegistered: .versionRegistered(try read())
            case .versionFileUploaded: .versionFileUploaded(try read())
            case .versionFinalized: .versionFinalized(try read())
            case .versionExpired: .versionExpired(try read())
            case .versionDeleted: .versionDeleted(try read())
            case .versionUpdated: .versionUpdated(try read())
            case .versionTagSet: .versionTagSet(try read())
            case .versionTagDeleted: .versionTagDeleted(try read())
            case .versionStageChanged: .versionStageChanged(try read())
            case .modelCardUpdated: .modelCardUpdated(try read())
            case .aliasSet: .aliasSet(try read())
            case .aliasDeleted: .aliasDeleted(try read())
            case .policySet: .policySet(try read())
            case .policyDeleted: .policyDeleted(try read())
            case .transitionRequested: .transitionRequested(try read())
            case .transitionApproved: .transitionApproved(try read())
            case .transitionRejected: .transitionRejected(try read())
            case .transitionCancelled: .transitionCancelled(try read())
            case .transitionBlocked: .transitionBlocked(try read())
            case .accountCreated: .accountCreated(try read())
            case .accountBootstrapped: .accountBootstrapped(try read())
            case .accountDisabled: .accountDisabled(try read())
            case .accountEnabled: .accountEnabled(try read())
            case .accountPasswordSet: .accountPasswordSet(try read())
            case .grantAdded: .grantAdded(try read())
            case .grantRevoked: .grantRevoked(try read())
            case .tokenCreated: .tokenCreated(try read())
            case .tokenRevoked: .tokenRevoked(try read())
            case .accessDenied: .accessDenied(try read())
            case .experimentCreated: .experimentCreated(try read())
            case .experimentRenamed: .experimentRenamed(try read())
            case .experimentTagSet: .experimentTagSet(try read())
            case .experimentTagDeleted: .experimentTagDeleted(try read())
            case .experimentDeleted: .experimentDeleted(try read())
            case .experimentRestored: .experimentRestored(try read())
            case .runCreated: .runCreated(try read())
            case .runUpdated: .runUpdated(try read())
            case .runDeleted: .runDeleted(try read())
            case .runRestored: .runRestored(try read())
            case .loggedModelCreated: .loggedModelCreated(try read())
            case .loggedModelFinalized: .loggedModelFinalized(try read())
            case .loggedModelDeleted: .loggedModelDeleted(try read())
            case .artifactDeleted: .artifactDeleted(try read())
            case .webhookCreated: .webhookCreated(try read())
            case .webhookUpdated: .webhookUpdated(try read())
            case .webhookDeleted: .webhookDeleted(try read())
            case .webhookDisabled: .webhookDisabled(try read())
            case .webhookRedelivered: .webhookRedelivered(try read())
            case .deploymentSynced: .deploymentSynced(try read())
            }
    }
}

/// Every action name the log holds, dotted: `<area>.<what happened>`. The raw values are stored and published; they
/// never change.
public enum EventAction: String, Hashable, Sendable, Codable, CaseIterable {
    case modelCreated = "model.created"
    case modelUpdated = "model.updated"
    case modelRenamed = "model.renamed"
    case modelDeleted = "model.deleted"
    case modelTagSet = "model.tag_set"
    case modelTagDeleted = "model.tag_deleted"
    case versionCreated = "version.created"
    case versionRegistered = "version.registered"
    case versionFileUploaded = "version.file_uploaded"
    case versionFinalized = "version.finalized"
    case versionExpired = "version.expired"
    case versionDeleted = "version.deleted"
    case versionUpdated = "version.updated"
    case versionTagSet = "version.tag_set"
    case versionTagDeleted = "version.tag_deleted"
    case versionStageChanged = "version.stage_changed"
    case modelCardUpdated = "model_card.updated"
    case aliasSet = "alias.set"
    case aliasDeleted = "alias.deleted"
    case policySet = "policy.set"
    case policyDeleted = "policy.deleted"
    case transitionRequested = "transition.requested"
    case transitionApproved = "transition.approved"
    case transitionRejected = "transition.rejected"
    case transitionCancelled = "transition.cancelled"
    case transitionBlocked = "transition.blocked"
    case accountCreated = "account.created"
    case accountBootstrapped = "account.bootstrapped"
    case accountDisabled = "account.disabled"
    case accountEnabled = "account.enabled"
    case accountPasswordSet = "account.password_set"
    case grantAdded = "grant.added"
    case grantRevoked = "grant.revoked"
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    case accessDenied = "access.denied"
    case experimentCreated = "experiment.created"
    case experimentRenamed = "experiment.renamed"
    case experimentTagSet = "experiment.tag_set"
    case experimentTagDeleted = "experiment.tag_deleted"
    case experimentDeleted = "experiment.deleted"
    case experimentRestored = "experiment.restored"
    case runCreated = "run.created"
    case runUpdated = "run.updated"
    case runDeleted = "run.deleted"
    case runRestored = "run.restored"
    case loggedModelCreated = "logged_model.created"
    case loggedModelFinalized = "logged_model.finalized"
    case loggedModelDeleted = "logged_model.deleted"
    case artifactDeleted = "artifact.deleted"
    case webhookCreated = "webhook.created"
    case webhookUpdated = "webhook.updated"
    case webhookDeleted = "webhook.deleted"
    case webhookDisabled = "webhook.disabled"
    case webhookRedelivered = "webhook.redelivered"
    case deploymentSynced = "deployment.synced"
}

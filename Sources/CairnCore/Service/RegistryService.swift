import Foundation

/// The registry's use cases, in four area services over one store, one transaction and one event chain. Every API
/// surface (native, MLflow, CLI through the client) calls these; no rule is implemented anywhere else.
///
/// Each mutating call validates its input, admits its caller by its ``UseCase``'s rule, applies the rules and commits
/// the new state together with one event in a single transaction, so a change made through any surface is recorded
/// exactly once.
public struct RegistryService: Sendable {
    /// Models, versions, aliases, files, search and resolve.
    public let catalog: CatalogService
    /// Experiments, runs, logged models and run artifacts (the MLflow tracking API).
    public let tracking: TrackingService
    /// Accounts, grants, tokens and authentication.
    public let identity: IdentityService
    /// Promotions, approvals, policies, model cards, stage history and the audit log.
    public let governance: GovernanceService
    /// Webhooks and the outbox that delivers the event log to them.
    public let delivery: DeliveryService
    let core: ServiceCore

    public var blobs: any BlobStore { core.blobs }
    public var clock: any Clock { core.clock }
    public var limits: Limits { core.limits }
    /// Hashes and verifies passwords (production: `PBKDF2PasswordHasher`; default: none accepted, tokens only).
    public var passwords: any PasswordHasher { identity.passwords }

    /// Tunables of the domain.
    public struct Limits: Sendable {
        /// Longest description, in bytes.
        public var maxDescriptionBytes: Int
        /// Most params, metrics, tags or datasets on one version.
        public var maxLineageEntries: Int

        public init(maxDescriptionBytes: Int = 65_536, maxLineageEntries: Int = 10_000) {
            self.maxDescriptionBytes = maxDescriptionBytes
            self.maxLineageEntries = maxLineageEntries
        }
    }

    /// - Parameters:
    ///   - passwords: hashes and verifies passwords (production: `PBKDF2PasswordHasher`; default: none accepted).
    ///   - locations: which stored locations are refused (paths on the server, internal addresses).
    ///   - denials: bounds the `access.denied` events one principal can append.
    ///   - passwordChecks: bounds the slow password hashes running at once.
    ///   - mlmodels: reads MLflow `MLmodel` files for the signature of versions registered from them (production:
    ///     `CairnMLflowFiles.YAMLMLmodelParser`; default: none read).
    ///   - delivery: webhook retries, retention, auto-disabling and the outbound address policy.
    ///   - secrets: seals webhook secrets (production: `CairnCredentials.AESGCMSecretSealer`; default: none, so no
    ///     webhook can be created).
    ///   - transport: sends webhook POSTs (production: `CairnWebhooks.WebhookHTTPTransport`; default: none sent).
    public init(
        store: any MetadataStore,
        blobs: any BlobStore,
        clock: any Clock = SystemClock(),
        ids: any IDGenerator = RandomIDGenerator(),
        limits: Limits = Limits(),
        passwords: any PasswordHasher = NoPasswordHasher(),
        locations: LocationPolicy = LocationPolicy(),
        denials: DenialLimiter = DenialLimiter(),
        passwordChecks: PasswordCheckBudget = PasswordCheckBudget(),
        mlmodels: any MLmodelParser = NoMLmodelParser(),
        delivery: DeliverySettings = DeliverySettings(),
        secrets: any SecretSealer = NoSecretSealer(),
        transport: any WebhookTransport = NoWebhookTransport()
    ) {
        let core = ServiceCore(
            store: store,
            blobs: blobs,
            clock: clock,
            ids: ids,
            limits: limits,
            locations: locations,
            denials: denials
        )
        self.core = core
        self.catalog = CatalogService(core: core, mlmodels: mlmodels)
        self.tracking = TrackingService(core: core)
        self.identity = IdentityService(core: core, passwords: passwords, passwordChecks: passwordChecks)
        self.governance = GovernanceService(core: core, catalog: catalog)
        self.delivery = DeliveryService(core: core, settings: delivery, secrets: secrets, transport: transport)
    }

    /// Checks ``Authorization/decide(_:_:model:)`` for a check an edge makes before calling a use case (a request's
    /// origin); when it denies, records an `access.denied` event (actor, the attempted operation, the reason) in its
    /// own transaction and throws.
    ///
    /// `attempted` names the operation for the audit log ("delete model 'fraud'"); it must hold no secret.
    /// - Throws: `.permissionDenied` with the decision's reason; `.unauthenticated` for an anonymous actor
    ///   (``Authorization/refusal(_:_:model:reason:)``).
    public func authorize(_ actor: Principal, _ action: Action, model: String?, attempted: String) async throws {
        guard case .denied(let reason) = Authorization.decide(actor, action, model: model) else { return }
        try await recordDenial(actor: actor, action: action, model: model, attempted: attempted, reason: reason)
        throw Authorization.refusal(actor, action, model: model, reason: reason)
    }

    /// Appends an `access.denied` event for a refusal an edge decided (see
    /// ``ServiceCore/recordDenial(actor:action:model:attempted:reason:)``).
    /// - Throws: store failures only.
    public func recordDenial(
        actor: Principal,
        action: Action,
        model: String?,
        attempted: String,
        reason: String
    ) async throws {
        try await core.recordDenial(actor: actor, action: action, model: model, attempted: attempted, reason: reason)
    }
}

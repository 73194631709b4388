import Foundation

/// The registry's use cases. Every API surface (native, MLflow, CLI through the client) calls these; no rule is
/// implemented anywhere else.
///
/// Each mutating call validates its input, applies the rules and commits the new state together with one event in a
/// single transaction, so a change made through any surface is recorded exactly once.
public struct RegistryService: Sendable {
    public let store: any MetadataStore
    public let blobs: any BlobStore
    public let clock: any Clock
    public let ids: any IDGenerator
    public let limits: Limits
    /// Hashes and verifies passwords (production: `PBKDF2PasswordHasher`; default: none accepted, tokens only).
    public let passwords: any PasswordHasher
    /// Which stored locations (version sources, experiment artifact locations) are refused: paths on the server and
    /// internal addresses, unless allowed.
    public let locations: LocationPolicy
    /// Successful password verifications, so HTTP Basic costs one slow hash per password, not one per request.
    let verifiedPasswords = VerifiedPasswordMemo()
    /// Bounds the `access.denied` events one principal can append (see ``DenialLimiter``).
    let denials: DenialLimiter
    /// Bounds the slow password hashes running at once (see ``PasswordCheckBudget``).
    public let passwordChecks: PasswordCheckBudget
    /// Reads MLflow `MLmodel` files for the signature of versions registered from them (production:
    /// `CairnMLflowFiles.YAMLMLmodelParser`; default: none read).
    public let mlmodels: any MLmodelParser

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
        mlmodels: any MLmodelParser = NoMLmodelParser()
    ) {
        self.store = store
        self.blobs = blobs
        self.clock = clock
        self.ids = ids
        self.limits = limits
        self.passwords = passwords
        self.locations = locations
        self.denials = denials
        self.passwordChecks = passwordChecks
        self.mlmodels = mlmodels
    }

    // MARK: Shared helpers

    /// Appends one event of the catalogue to the log inside `tx`. `modelID` ties it to a model across renames (see
    /// ``AuditEvent/modelID``): pass it for every event about a model.
    /// - Throws: `.internalError` when the payload cannot be encoded (the transaction then commits nothing).
    func record(
        _ tx: any MetadataTransaction,
        actor: Principal,
        _ event: RegistryEvent,
        subject: String,
        modelID: String? = nil,
        at time: Date
    ) async throws {
        let entry = EventChain.next(
            after: try await tx.lastEvent(),
            time: time,
            actor: actor.name,
            action: event.action.rawValue,
            subject: subject,
            payload: try event.canonicalPayload(),
            modelID: modelID
        )
        try await tx.appendEvent(entry)
    }

    func requireModel(_ reader: any MetadataReader, _ name: String) async throws -> RegisteredModel {
        guard let model = try await reader.model(named: name) else { throw RegistryError.modelNotFound(name) }
        return model
    }

    func requireVersion(_ reader: any MetadataReader, _ name: String, _ number: Int) async throws -> ModelVersion {
        let model = try await requireModel(reader, name)
        guard let version = try await reader.version(modelID: model.id, number: number) else {
            throw RegistryError.versionNotFound(name, number)
        }
        return version
    }

    func validateDescription(_ description: String) throws(RegistryError) {
        guard description.utf8.count <= limits.maxDescriptionBytes else {
            throw .invalid(
                "Description is \(description.utf8.count) bytes; the limit is \(limits.maxDescriptionBytes)."
            )
        }
        if description.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalid("Description contains a NUL byte.")
        }
    }

    static func modelSubject(_ name: String) -> String { "model/\(name)" }
    static func versionSubject(_ name: String, _ number: Int) -> String { "model/\(name)/version/\(number)" }
}

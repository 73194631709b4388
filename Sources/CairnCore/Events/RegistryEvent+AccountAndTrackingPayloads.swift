/// The payloads of the catalogue's identity and tracking events: accounts, grants, tokens, refusals, experiments,
/// runs, logged models and artifacts.
extension RegistryEvent {
    public struct AccountCreated: Hashable, Sendable, Codable {
        public var id: String
        public var kind: PrincipalKind
        public init(id: String, kind: PrincipalKind) {
            self.id = id
            self.kind = kind
        }
    }

    /// The first admin, made by `cairn serve` on an empty registry, with its token.
    public struct AccountBootstrapped: Hashable, Sendable, Codable {
        public var id: String
        public var kind: PrincipalKind
        public var role: Role
        public var tokenID: String
        public init(id: String, kind: PrincipalKind, role: Role, tokenID: String) {
            self.id = id
            self.kind = kind
            self.role = role
            self.tokenID = tokenID
        }
        enum CodingKeys: String, CodingKey {
            case id, kind, role
            case tokenID = "token_id"
        }
    }

    /// A grant added to or revoked from account `id`; `scope` as ``Grant/scopeDescription`` writes it.
    public struct GrantChanged: Hashable, Sendable, Codable {
        public var id: String
        public var role: Role
        public var scope: String
        public init(id: String, role: Role, scope: String) {
            self.id = id
            self.role = role
            self.scope = scope
        }
    }

    /// A token minted (never its secret); `expiresAt` in milliseconds since the epoch.
    public struct TokenCreated: Hashable, Sendable, Codable {
        public var id: String
        public var description: String
        public var expiresAt: Int64?
        public init(id: String, description: String, expiresAt: Int64?) {
            self.id = id
            self.description = description
            self.expiresAt = expiresAt
        }
        enum CodingKeys: String, CodingKey {
            case id, description
            case expiresAt = "expires_at"
        }
    }

    /// A refusal: what was attempted, which permission it needed, and why it was refused. `suppressed` counts the
    /// refusals of the same actor that were only counted since the last one recorded (see ``DenialLimiter``).
    public struct AccessDenied: Hashable, Sendable, Codable {
        public var action: Action
        public var attempted: String
        public var reason: String
        public var suppressed: Int?
        public init(action: Action, attempted: String, reason: String, suppressed: Int? = nil) {
            self.action = action
            self.attempted = attempted
            self.reason = reason
            self.suppressed = suppressed
        }
    }

    /// An experiment created. The default experiment, made at start-up, carries its name only.
    public struct ExperimentCreated: Hashable, Sendable, Codable {
        public var name: String
        public var tags: [String: String]?
        public var requestedArtifactLocation: String?
        public init(name: String, tags: [String: String]?, requestedArtifactLocation: String? = nil) {
            self.name = name
            self.tags = tags
            self.requestedArtifactLocation = requestedArtifactLocation
        }
        enum CodingKeys: String, CodingKey {
            case name, tags
            case requestedArtifactLocation = "requested_artifact_location"
        }
    }

    public struct RunCreated: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public var userID: String
        public init(experimentID: String, name: String, userID: String) {
            self.experimentID = experimentID
            self.name = name
            self.userID = userID
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
            case userID = "user_id"
        }
    }

    /// What an update changed; absent fields did not change.
    public struct RunUpdated: Hashable, Sendable, Codable {
        public var status: RunStatus?
        public var endTime: Int64?
        public var name: String?
        public init(status: RunStatus? = nil, endTime: Int64? = nil, name: String? = nil) {
            self.status = status
            self.endTime = endTime
            self.name = name
        }
        public var isEmpty: Bool { status == nil && endTime == nil && name == nil }
        enum CodingKeys: String, CodingKey {
            case status, name
            case endTime = "end_time"
        }
    }

    public struct RunLifecycle: Hashable, Sendable, Codable {
        public var experimentID: String
        public init(experimentID: String) { self.experimentID = experimentID }
        enum CodingKeys: String, CodingKey { case experimentID = "experiment_id" }
    }

    public struct LoggedModelCreated: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public var sourceRunID: String?
        public init(experimentID: String, name: String, sourceRunID: String?) {
            self.experimentID = experimentID
            self.name = name
            self.sourceRunID = sourceRunID
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
            case sourceRunID = "source_run_id"
        }
    }

    public struct LoggedModelFinalized: Hashable, Sendable, Codable {
        public var status: LoggedModelStatus
        public var previousStatus: LoggedModelStatus
        public init(status: LoggedModelStatus, previousStatus: LoggedModelStatus) {
            self.status = status
            self.previousStatus = previousStatus
        }
        enum CodingKeys: String, CodingKey {
            case status
            case previousStatus = "previous_status"
        }
    }

    public struct LoggedModelDeleted: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public init(experimentID: String, name: String) {
            self.experimentID = experimentID
            self.name = name
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
        }
    }

    /// Tracking artifacts deleted under a path: how many files and bytes.
    public struct ArtifactDeleted: Hashable, Sendable, Codable {
        public var files: Int
        public var size: Int64
        public init(files: Int, size: Int64) {
            self.files = files
            self.size = size
        }
    }
}

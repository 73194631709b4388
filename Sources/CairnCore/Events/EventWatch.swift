import Foundation

/// Which events a watcher wants (`GET /api/v1/events`): all, or those of one model, of some actions, of a stage or an
/// alias. Every condition given must hold; `stage` and `alias` together match either.
public struct EventFilter: Hashable, Sendable {
    /// Events about this model: by its id (renames do not hide it), or by a subject under `model/NAME`.
    public var modelName: String?
    /// Actions (`version.stage_changed`) or families (`transition`); empty: every action.
    public var actions: [String]
    /// Moves of a version into or out of this stage (`version.stage_changed` from or to it).
    public var stage: Stage?
    /// Sets and removals of this alias (`alias.set`, `alias.deleted`).
    public var alias: String?

    public init(modelName: String? = nil, actions: [String] = [], stage: Stage? = nil, alias: String? = nil) {
        self.modelName = modelName
        self.actions = actions
        self.stage = stage
        self.alias = alias
    }

    /// - Throws: `.invalidArgument` naming the bad part.
    public func validate() throws(RegistryError) {
        if let modelName { try ModelName.validate(modelName) }
        if let alias { try AliasName.validate(alias) }
        guard actions.count <= 50 else { throw .invalid("Filter by at most 50 actions.") }
        for action in actions {
            guard !action.isEmpty, action.utf8.count <= 64,
                action.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "." || $0 == "_") })
            else {
                throw .invalid(
                    "'\(action.prefix(64))' is not an action or action family; use names such as "
                        + "version.stage_changed or transition."
                )
            }
        }
    }

    /// Whether `event` passes; `modelID` is the current id of the model named ``modelName`` (`nil` when none).
    func matches(_ event: AuditEvent, modelID: String?) -> Bool {
        if let modelName {
            let subject = "model/" + modelName
            let byID = modelID != nil && event.modelID == modelID
            guard byID || event.subject == subject || event.subject.hasPrefix(subject + "/") else { return false }
        }
        if !actions.isEmpty, !actions.contains(where: { event.action == $0 || event.action.hasPrefix($0 + ".") }) {
            return false
        }
        guard stage != nil || alias != nil else { return true }
        if let stage, event.action == EventAction.versionStageChanged.rawValue,
            case .versionStageChanged(let change)? = try? event.decoded(), change.from == stage || change.to == stage
        {
            return true
        }
        if let alias,
            event.action == EventAction.aliasSet.rawValue || event.action == EventAction.aliasDeleted.rawValue,
            event.subject.hasSuffix("/alias/" + alias)
        {
            return true
        }
        return false
    }
}

/// One page of a watch: the matching events after the cursor, and the cursor to pass next.
public struct EventWatchPage: Sendable {
    public var events: [AuditEvent]
    /// The sequence to watch after next: the last event examined, matching or not, so that a filtered watch never
    /// examines the same events twice.
    public var nextAfter: Int64

    public init(events: [AuditEvent], nextAfter: Int64) {
        self.events = events
        self.nextAfter = nextAfter
    }
}

/// Tells waiting watchers that something was committed: the store's write counter, and a wait for it to move
/// (``ChangeCountingStore``; with several replicas, fed by the database's notifications).
public protocol ChangeSignal: Sendable {
    /// Moves after every write transaction.
    var generation: UInt64 { get }
    /// Returns once ``generation`` differs from `seen`, after `timeout`, or when the task is cancelled, whichever is
    /// first.
    func waitForChange(after seen: UInt64, timeout: Duration) async
}

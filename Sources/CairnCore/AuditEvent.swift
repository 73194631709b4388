import Foundation

/// One entry of the append-only event log: the audit trail, the webhook outbox and the watch stream in one.
///
/// Every state change appends exactly one event in the same transaction. Events form a hash chain: ``hash`` is the
/// SHA-256 of ``prevHash`` and the event's canonical text, so altering, deleting, inserting or reordering an entry
/// breaks the chain at that point (see ``EventChain``).
public struct AuditEvent: Hashable, Sendable, Codable {
    /// 1, 2, 3… with no gaps.
    public var sequence: Int64
    public var time: Date
    /// The principal that acted.
    public var actor: String
    /// What happened, dotted: `model.created`, `version.finalized`, `alias.set`.
    public var action: String
    /// What it happened to: `model/NAME`, `model/NAME/version/3`.
    public var subject: String
    /// Details as canonical JSON (sorted keys).
    public var payload: String
    public var prevHash: String
    public var hash: String

    public init(
        sequence: Int64,
        time: Date,
        actor: String,
        action: String,
        subject: String,
        payload: String,
        prevHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The hash chain over the event log.
public enum EventChain {
    /// The `prevHash` of the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The chain hash of an event given its fields and the previous hash.
    public static func hash(
        sequence: Int64,
        time: Date,
        actor: String,
        action: String,
        subject: String,
        payload: String,
        prevHash: String
    ) -> String {
        let millis = Int64((time.timeIntervalSince1970 * 1000).rounded())
        // Length-prefixed fields: no two different events share a canonical text.
        var text = prevHash + "\n"
        for field in ["\(sequence)", "\(millis)", actor, action, subject, payload] {
            text += "\(field.utf8.count):\(field)\n"
        }
        return Digest.of(Array(text.utf8)).hex
    }

    /// Builds the next event after `previous`.
    public static func next(
        after previous: AuditEvent?,
        time: Date,
        actor: String,
        action: String,
        subject: String,
        payload: String
    ) -> AuditEvent {
        let sequence = (previous?.sequence ?? 0) + 1
        let prevHash = previous?.hash ?? genesis
        let hash = hash(
            sequence: sequence,
            time: time,
            actor: actor,
            action: action,
            subject: subject,
            payload: payload,
            prevHash: prevHash
        )
        return AuditEvent(
            sequence: sequence,
            time: time,
            actor: actor,
            action: action,
            subject: subject,
            payload: payload,
            prevHash: prevHash,
            hash: hash
        )
    }

    /// A break in the chain.
    public struct Break: Hashable, Sendable {
        public var sequence: Int64
        public var reason: String
    }

    /// Walks `events` (in stored order) and returns the first break, or `nil` when the chain is intact.
    public static func verify(_ events: some Sequence<AuditEvent>, startingAfter previous: AuditEvent? = nil) -> Break?
    {
        var expectedSequence = (previous?.sequence ?? 0) + 1
        var expectedPrev = previous?.hash ?? genesis
        for event in events {
            if event.sequence != expectedSequence {
                return Break(
                    sequence: event.sequence,
                    reason: "expected sequence \(expectedSequence), found \(event.sequence)"
                )
            }
            if event.prevHash != expectedPrev {
                return Break(
                    sequence: event.sequence,
                    reason: "prev_hash does not match the hash of the entry before it"
                )
            }
            let recomputed = hash(
                sequence: event.sequence,
                time: event.time,
                actor: event.actor,
                action: event.action,
                subject: event.subject,
                payload: event.payload,
                prevHash: event.prevHash
            )
            if recomputed != event.hash {
                return Break(sequence: event.sequence, reason: "content does not match its hash")
            }
            expectedSequence += 1
            expectedPrev = event.hash
        }
        return nil
    }
}

/// Canonical JSON for event payloads: sorted keys, no insignificant white space.
enum CanonicalJSON {
    static func encode(_ object: [String: any Sendable]) -> String {
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

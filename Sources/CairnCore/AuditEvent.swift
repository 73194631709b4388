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
    /// The id of the model the event concerns, when it concerns one: the key that follows a model through renames
    /// (``subject`` keeps the name it had at the time). Part of the hash when present.
    public var modelID: String?

    public init(
        sequence: Int64,
        time: Date,
        actor: String,
        action: String,
        subject: String,
        payload: String,
        prevHash: String,
        hash: String,
        modelID: String? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
        self.modelID = modelID
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
        prevHash: String,
        modelID: String? = nil
    ) -> String {
        let millis = Int64((time.timeIntervalSince1970 * 1000).rounded())
        // Length-prefixed fields: no two different events share a canonical text. The model id, when there is one,
        // is a seventh field, so events without one hash exactly as before it existed.
        var text = prevHash + "\n"
        for field in ["\(sequence)", "\(millis)", actor, action, subject, payload] + (modelID.map { [$0] } ?? []) {
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
        payload: String,
        modelID: String? = nil
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
            prevHash: prevHash,
            modelID: modelID
        )
        return AuditEvent(
            sequence: sequence,
            time: time,
            actor: actor,
            action: action,
            subject: subject,
            payload: payload,
            prevHash: prevHash,
            hash: hash,
            modelID: modelID
        )
    }

    /// A break in the chain: the first entry that is not what the chain says it must be.
    public struct Break: Hashable, Sendable {
        /// What was done to the log, as far as the chain can tell.
        public enum Kind: String, Hashable, Sendable, Codable {
            /// An entry's content no longer matches its hash.
            case altered
            /// One or more entries are missing.
            case deleted
            /// An entry was added that the chain never held.
            case inserted
            /// Entries were moved out of order.
            case reordered
            /// The log ends before the sequence of an exported chain head: its newest entries were removed.
            case truncated
            /// The entry at an exported chain head's sequence has another hash: the log was rewritten since.
            case diverged
        }

        /// The sequence of the first entry (as stored) that breaks the chain.
        public var sequence: Int64
        public var kind: Kind
        public var reason: String

        public init(sequence: Int64, kind: Kind, reason: String) {
            self.sequence = sequence
            self.kind = kind
            self.reason = reason
        }
    }

    /// Walks `events` (in stored order) and returns the first break, or `nil` when the chain is intact.
    public static func verify(_ events: some Sequence<AuditEvent>, startingAfter previous: AuditEvent? = nil) -> Break?
    {
        var verifier = Verifier(after: previous)
        for event in events {
            if let broken = verifier.feed(event) { return broken }
        }
        return verifier.finish()
    }

    /// Checks a log fed in stored order, one entry at a time, so a log of any length is verified in batches. Each
    /// entry is judged when the one after it arrives (or at ``finish(against:)``): telling an insertion from an
    /// alteration needs to see whether the next entry links past it.
    public struct Verifier: Sendable {
        private var expectedSequence: Int64
        private var expectedPrev: String
        private var held: AuditEvent?
        private var broken: Break?
        /// The last entry judged intact.
        public private(set) var last: AuditEvent?
        /// How many entries were judged intact.
        public private(set) var checked = 0

        private let head: ChainHead?

        /// Starts after `previous` (the genesis when `nil`). With `head` (an exported chain head), the walk also
        /// checks the log still holds that entry with the same hash, and still reaches it.
        public init(after previous: AuditEvent? = nil, head: ChainHead? = nil) {
            self.head = head
            expectedSequence = (previous?.sequence ?? 0) + 1
            expectedPrev = previous?.hash ?? EventChain.genesis
            last = previous
        }

        /// Takes the next stored entry; returns the first break once one is known.
        public mutating func feed(_ event: AuditEvent) -> Break? {
            if let broken { return broken }
            if let current = held { broken = judge(current, next: event) }
            held = event
            return broken
        }

        /// Judges the last entry and, with a head, checks that the log reaches it.
        public mutating func finish() -> Break? {
            if let broken { return broken }
            if let current = held {
                held = nil
                if let found = judge(current, next: nil) {
                    broken = found
                    return found
                }
            }
            guard let head else { return nil }
            let end = last?.sequence ?? 0
            if end < head.sequence {
                return Break(
                    sequence: end + 1,
                    kind: .truncated,
                    reason: "the log ends at entry \(end), but the exported head is entry \(head.sequence): "
                        + "entries \(end + 1) to \(head.sequence) were deleted"
                )
            }
            return nil
        }

        private mutating func judge(_ event: AuditEvent, next: AuditEvent?) -> Break? {
            let (sequence, prev) = (expectedSequence, expectedPrev)
            if event.sequence > sequence {
                let missing =
                    event.sequence - 1 == sequence
                    ? "entry \(sequence) is" : "entries \(sequence) to \(event.sequence - 1) are"
                return Break(sequence: event.sequence, kind: .deleted, reason: "\(missing) missing")
            }
            if event.sequence < sequence {
                let kind: Break.Kind = event.sequence == sequence - 1 ? .inserted : .reordered
                return Break(
                    sequence: event.sequence,
                    kind: kind,
                    reason: "entry \(event.sequence) appears after entry \(sequence - 1)"
                )
            }
            if event.prevHash != prev, let next, next.hash == event.prevHash {
                return Break(
                    sequence: event.sequence,
                    kind: .reordered,
                    reason: "entry \(event.sequence) links to the entry after it: entries were swapped"
                )
            }
            if let next, next.prevHash == prev, event.hash != next.prevHash {
                return Break(
                    sequence: event.sequence,
                    kind: .inserted,
                    reason: "the entry after it links to the entry before it: entry \(event.sequence) was inserted"
                )
            }
            let recomputed = rehash(event, sequence: event.sequence)
            if event.prevHash != prev {
                if rehash(event, sequence: event.sequence + 1) == event.hash {
                    return Break(
                        sequence: event.sequence,
                        kind: .deleted,
                        reason: "this entry was hashed as entry \(event.sequence + 1): an entry before it was deleted "
                            + "and the rest renumbered"
                    )
                }
                return Break(
                    sequence: event.sequence,
                    kind: .altered,
                    reason:
                        "prev_hash does not match the hash of entry \(event.sequence - 1): this link was edited, or "
                        + "entry \(event.sequence - 1) was rewritten with its hash recomputed"
                )
            }
            if recomputed != event.hash {
                if rehash(event, sequence: event.sequence - 1) == event.hash {
                    return Break(
                        sequence: event.sequence,
                        kind: .inserted,
                        reason: "this entry was hashed as entry \(event.sequence - 1): an entry was inserted before "
                            + "it and the rest renumbered"
                    )
                }
                return Break(sequence: event.sequence, kind: .altered, reason: "content does not match its hash")
            }
            if let head, head.sequence == event.sequence, head.hash != event.hash {
                return Break(
                    sequence: event.sequence,
                    kind: .diverged,
                    reason: "entry \(event.sequence) has hash \(event.hash.prefix(16))…, but the exported head says "
                        + "\(head.hash.prefix(16))…: the log was rewritten after the head was exported"
                )
            }
            expectedSequence += 1
            expectedPrev = event.hash
            last = event
            checked += 1
            return nil
        }

        private func rehash(_ event: AuditEvent, sequence: Int64) -> String {
            EventChain.hash(
                sequence: sequence,
                time: event.time,
                actor: event.actor,
                action: event.action,
                subject: event.subject,
                payload: event.payload,
                prevHash: event.prevHash,
                modelID: event.modelID
            )
        }
    }
}

/// The newest entry of the event log, exported so that it can be signed and published elsewhere: a log rewritten
/// after the export (even wholly, with every hash recomputed) no longer reaches this sequence with this hash.
public struct ChainHead: Hashable, Sendable, Codable {
    public var sequence: Int64
    public var hash: String
    public var time: Date

    public init(sequence: Int64, hash: String, time: Date) {
        self.sequence = sequence
        self.hash = hash
        self.time = time
    }

    /// The exact text a signature covers: `cairn-chain-head/1\n<sequence>\n<hash>\n<millis>\n`.
    public var signedText: String {
        let millis = Int64((time.timeIntervalSince1970 * 1000).rounded())
        return "cairn-chain-head/1\n\(sequence)\n\(hash)\n\(millis)\n"
    }
}

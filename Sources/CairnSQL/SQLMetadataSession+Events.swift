import CairnCore
import Foundation

extension SQLMetadataSession {
    private static let eventColumns = "sequence, time, actor, action, subject, payload, prev_hash, hash, model_id"

    public func lastEvent() async throws -> AuditEvent? {
        try await run("SELECT \(Self.eventColumns) FROM events ORDER BY sequence DESC LIMIT 1").first.map(Self.event)
    }

    public func events(afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        guard limit > 0 else { return [] }
        return try await run(
            "SELECT \(Self.eventColumns) FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?",
            [.integer(afterSequence), .int(limit)]
        ).map(Self.event)
    }

    /// The SQL form of `EventQuery.matches`. Prefixes and suffixes compare with `substr` against bound text, never
    /// with `LIKE`: a name holding `%` or `_` then matches only itself, and the comparison is case-sensitive on every
    /// backend (SQLite's `LIKE` ignores ASCII case).
    public func events(matching query: EventQuery, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        guard limit > 0 else { return [] }
        var conditions = ["sequence > ?"]
        var binds: [SQLValue] = [.integer(afterSequence)]
        if let modelID = query.modelID, let legacy = query.legacySubject {
            conditions.append("(model_id = ? OR (model_id IS NULL AND (subject = ? OR \(Self.hasPrefix("subject")))))")
            binds += [.text(modelID), .text(legacy)] + Self.prefixBinds(legacy + "/")
        } else if let modelID = query.modelID {
            conditions.append("model_id = ?")
            binds.append(.text(modelID))
        }
        if let subject = query.modelSubject {
            conditions.append("(subject = ? OR \(Self.hasPrefix("subject")))")
            binds += [.text(subject)] + Self.prefixBinds(subject + "/")
        }
        if let number = query.versionNumber {
            let suffix = "/version/\(number)"
            conditions.append(
                "(length(subject) >= length(?) AND substr(subject, length(subject) - length(?) + 1) = ?)"
            )
            binds += [.text(suffix), .text(suffix), .text(suffix)]
        }
        if let actor = query.actor {
            conditions.append("actor = ?")
            binds.append(.text(actor))
        }
        if let action = query.action {
            conditions.append("(action = ? OR \(Self.hasPrefix("action")))")
            binds += [.text(action)] + Self.prefixBinds(action + ".")
        }
        if let since = query.since {
            conditions.append("time >= ?")
            binds.append(.integer(Self.firstMillis(atOrAfter: since)))
        }
        if let until = query.until {
            conditions.append("time < ?")
            binds.append(.integer(Self.firstMillis(atOrAfter: until)))
        }
        return try await run(
            "SELECT \(Self.eventColumns) FROM events WHERE \(conditions.joined(separator: " AND ")) "
                + "ORDER BY sequence LIMIT ?",
            binds + [.int(limit)]
        ).map(Self.event)
    }

    public func appendEvent(_ event: AuditEvent) async throws {
        _ = try await run(
            "INSERT INTO events (\(Self.eventColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .integer(event.sequence), .millis(event.time), .text(event.actor), .text(event.action),
                .text(event.subject), .text(event.payload), .text(event.prevHash), .text(event.hash),
                .text(event.modelID),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Event \(event.sequence) is already in the log; compute the next event from lastEvent() inside the "
                    + "same write transaction."
            )
        )
    }

    /// True when `column` starts with the text bound (twice: see ``prefixBinds(_:)``).
    private static func hasPrefix(_ column: String) -> String { "substr(\(column), 1, length(?)) = ?" }

    private static func prefixBinds(_ prefix: String) -> [SQLValue] { [.text(prefix), .text(prefix)] }

    /// The smallest stored time (whole milliseconds) at or after `date`, so that `time >= bound` holds exactly when
    /// the event's `Date` is at or after `date`, as `EventQuery.matches` compares them, even for a `date` between two
    /// milliseconds.
    static func firstMillis(atOrAfter date: Date) -> Int64 {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded(.up)
        // Far beyond any stored time (and beyond what Int64 holds): every event is after, or before, it.
        guard scaled.magnitude < 1e15 else { return scaled > 0 ? .max : .min }
        var bound = Int64(scaled)
        while SQLTime.date(millis: bound - 1) >= date { bound -= 1 }
        while SQLTime.date(millis: bound) < date { bound += 1 }
        return bound
    }

    private static func event(_ row: SQLRow) throws -> AuditEvent {
        AuditEvent(
            sequence: try row.int64("sequence"),
            time: try row.date("time"),
            actor: try row.text("actor"),
            action: try row.text("action"),
            subject: try row.text("subject"),
            payload: try row.text("payload"),
            prevHash: try row.text("prev_hash"),
            hash: try row.text("hash"),
            modelID: try row.optionalText("model_id")
        )
    }
}

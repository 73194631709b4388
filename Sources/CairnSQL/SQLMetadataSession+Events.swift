import CairnCore

extension SQLMetadataSession {
    private static let eventColumns = "sequence, time, actor, action, subject, payload, prev_hash, hash"

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

    public func appendEvent(_ event: AuditEvent) async throws {
        _ = try await run(
            "INSERT INTO events (\(Self.eventColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .integer(event.sequence), .millis(event.time), .text(event.actor), .text(event.action),
                .text(event.subject), .text(event.payload), .text(event.prevHash), .text(event.hash),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Event \(event.sequence) is already in the log; compute the next event from lastEvent() inside the "
                    + "same write transaction."
            )
        )
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
            hash: try row.text("hash")
        )
    }
}

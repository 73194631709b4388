import CairnCore
import CairnSQL
import CairnTesting
import Foundation
import Testing

@testable import CairnSQLite

/// Edits the event log of a real database file behind the store's back, as someone with write access to the file
/// could, and checks what `EventChain` makes of each edit. Each test starts from a fresh database holding a log
/// written by a real `RegistryService`.
@Suite("Tamper detection on an SQLite file")
struct TamperDetectionTests {
    /// The entry the middle-of-the-log scenarios tamper with.
    static let middle: Int64 = 5

    @Test("altering a payload breaks the chain at that entry, as altered")
    func alteredPayload() async throws {
        try await withLog { store, log in
            try await store.tamper(
                "UPDATE events SET payload = ? WHERE sequence = ?",
                [.text("{\"description\":\"nothing to see\"}"), .integer(Self.middle)]
            )
            let broken = try #require(EventChain.verify(try await store.storedLog()))
            #expect(broken.sequence == Self.middle)
            #expect(broken.kind == .altered, "\(broken)")
        }
    }

    @Test("deleting an entry in the middle is found at the entry after the gap, as deleted")
    func deletedEntry() async throws {
        try await withLog { store, log in
            try await store.tamper("DELETE FROM events WHERE sequence = ?", [.integer(Self.middle)])
            let broken = try #require(EventChain.verify(try await store.storedLog()))
            // The first stored entry that breaks the chain is the one after the gap.
            #expect(broken.sequence == Self.middle + 1)
            #expect(broken.kind == .deleted, "\(broken)")
        }
    }

    @Test("deleting an entry and renumbering the rest down to close the gap is found there, as deleted")
    func deletedAndRenumbered() async throws {
        try await withLog { store, log in
            try await store.tamper("DELETE FROM events WHERE sequence = ?", [.integer(Self.middle)])
            try await store.renumber(from: Self.middle + 1, by: -1)
            let stored = try await store.storedLog()
            #expect(stored.map(\.sequence) == Array(1...Int64(log.count - 1)))
            let broken = try #require(EventChain.verify(stored))
            #expect(broken.sequence == Self.middle)
            #expect(broken.kind == .deleted, "\(broken)")
        }
    }

    @Test("inserting a well-formed entry in the middle, renumbering the rest up, is found at it, as inserted")
    func insertedEntry() async throws {
        try await withLog { store, log in
            let before = log[Int(Self.middle) - 2]
            // A plausible entry: it links to the entry before it and its own hash is right.
            let forged = EventChain.next(
                after: before,
                time: before.time.addingTimeInterval(0.5),
                actor: "admin",
                action: "alias.set",
                subject: before.subject,
                payload: "{\"alias\":\"backdoor\",\"version\":1}",
                modelID: before.modelID
            )
            #expect(forged.sequence == Self.middle)
            try await store.renumber(from: Self.middle, by: 1)
            try await store.insertRaw(forged)
            let stored = try await store.storedLog()
            #expect(stored.count == log.count + 1)
            let broken = try #require(EventChain.verify(stored))
            #expect(broken.sequence == Self.middle)
            #expect(broken.kind == .inserted, "\(broken)")
        }
    }

    @Test("swapping the sequence numbers of two adjacent entries is found at the first, as reordered")
    func swappedEntries() async throws {
        try await withLog { store, log in
            try await store.tamper(
                "UPDATE events SET sequence = -sequence WHERE sequence IN (?, ?)",
                [.integer(Self.middle), .integer(Self.middle + 1)]
            )
            try await store.tamper(
                "UPDATE events SET sequence = CASE sequence WHEN ? THEN ? ELSE ? END WHERE sequence < 0",
                [.integer(-Self.middle), .integer(Self.middle + 1), .integer(Self.middle)]
            )
            let stored = try await store.storedLog()
            #expect(stored[Int(Self.middle) - 1].hash == log[Int(Self.middle)].hash)
            let broken = try #require(EventChain.verify(stored))
            #expect(broken.sequence == Self.middle)
            #expect(broken.kind == .reordered, "\(broken)")
        }
    }

    @Test("deleting the newest entry leaves a valid chain, but not one that reaches the exported head: truncated")
    func truncatedLog() async throws {
        try await withLog { store, log in
            let last = try #require(log.last)
            let head = ChainHead(sequence: last.sequence, hash: last.hash, time: last.time)
            try await store.tamper("DELETE FROM events WHERE sequence = ?", [.integer(last.sequence)])
            let stored = try await store.storedLog()
            #expect(EventChain.verify(stored) == nil)
            let broken = try #require(verify(stored, against: head))
            #expect(broken.sequence == last.sequence)
            #expect(broken.kind == .truncated, "\(broken)")
        }
    }

    @Test("rewriting the whole log with every hash recomputed leaves a valid chain that diverges from the head")
    func rewrittenLog() async throws {
        try await withLog { store, log in
            let last = try #require(log.last)
            let head = ChainHead(sequence: last.sequence, hash: last.hash, time: last.time)
            var rewritten: [AuditEvent] = []
            for var event in log {
                if event.sequence == Self.middle { event.payload = "{\"description\":\"rewritten\"}" }
                let next = EventChain.next(
                    after: rewritten.last,
                    time: event.time,
                    actor: event.actor,
                    action: event.action,
                    subject: event.subject,
                    payload: event.payload,
                    modelID: event.modelID
                )
                rewritten.append(next)
            }
            for event in rewritten where event.sequence >= Self.middle {
                try await store.tamper(
                    "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE sequence = ?",
                    [.text(event.payload), .text(event.prevHash), .text(event.hash), .integer(event.sequence)]
                )
            }
            let stored = try await store.storedLog()
            #expect(stored == rewritten)
            #expect(EventChain.verify(stored) == nil)
            let broken = try #require(verify(stored, against: head))
            #expect(broken.sequence == last.sequence)
            #expect(broken.kind == .diverged, "\(broken)")
        }
    }

    // MARK: - Helpers

    /// A fresh store on a file, with a log of at least 10 events written through a `RegistryService`.
    private func withLog(_ body: (SQLiteMetadataStore, [AuditEvent]) async throws -> Void) async throws {
        try await withTemporaryStore { store, _ in
            let clock = ManualClock()
            let service = makeService(store: store, clock: clock)
            let admin = Principal.testAdmin
            _ = try await service.catalog.createModel(name: "fraud", description: "card fraud", actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.setModelTag(name: "fraud", key: "team", value: "risk", actor: admin)
            clock.advance(by: 1)
            try await service.publishVersion(modelName: "fraud", files: ["model.bin": Array("weights".utf8)])
            clock.advance(by: 1)
            _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.updateModel(name: "fraud", description: "card and wire fraud", actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.createModel(name: "churn", actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.renameModel(name: "fraud", to: "fraud-v2", actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.setVersionTag(
                modelName: "fraud-v2",
                number: 1,
                key: "ok",
                value: "yes",
                actor: admin
            )
            clock.advance(by: 1)
            try await service.governance.deleteAlias(modelName: "fraud-v2", alias: "champion", actor: admin)
            clock.advance(by: 1)
            _ = try await service.catalog.updateVersion(
                modelName: "fraud-v2",
                number: 1,
                description: "first",
                actor: admin
            )
            let log = try await store.storedLog()
            try #require(log.count >= 10, "the service wrote only \(log.count) events")
            try #require(EventChain.verify(log) == nil)
            #expect(log.contains { $0.modelID != nil })
            try await body(store, log)
        }
    }

    private func verify(_ events: [AuditEvent], against head: ChainHead) -> EventChain.Break? {
        var verifier = EventChain.Verifier(head: head)
        for event in events {
            if let broken = verifier.feed(event) { return broken }
        }
        return verifier.finish()
    }
}

extension SQLiteMetadataStore {
    /// The whole log as the store reads it.
    fileprivate func storedLog() async throws -> [AuditEvent] {
        try await read { try await $0.events(afterSequence: 0, limit: 1000) }
    }

    /// Runs one statement on the writer connection outside any store transaction: an edit of the file itself.
    fileprivate func tamper(_ sql: String, _ binds: [SQLValue] = []) async throws {
        try await writer.withConnection { connection in
            _ = try await SQLiteExecutor(connection: connection).query(sql, binds)
        }
    }

    /// Adds `delta` to the sequence of every entry from `first` on (through negative numbers, so that no two rows
    /// ever share a sequence mid-update).
    fileprivate func renumber(from first: Int64, by delta: Int64) async throws {
        try await tamper("UPDATE events SET sequence = -sequence WHERE sequence >= ?", [.integer(first)])
        try await tamper("UPDATE events SET sequence = -sequence + ? WHERE sequence < 0", [.integer(delta)])
    }

    /// Inserts an entry as stored columns, bypassing the store.
    fileprivate func insertRaw(_ event: AuditEvent) async throws {
        try await tamper(
            """
            INSERT INTO events (sequence, time, actor, action, subject, payload, prev_hash, hash, model_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(event.sequence), .integer(SQLTime.millis(event.time)), .text(event.actor),
                .text(event.action), .text(event.subject), .text(event.payload), .text(event.prevHash),
                .text(event.hash), event.modelID.map { .text($0) } ?? .null,
            ]
        )
    }
}

import CairnCore
import CairnTesting
import Foundation
import Testing

@testable import CairnSQLite

@Suite("SQLiteMetadataStore on a file")
struct SQLiteMetadataStoreTests {
    @Test("opening a new file applies the migrations once and records them; reopening applies none")
    func migrationsRunOnce() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("nested/dir/metadata.sqlite").path
            let first = try await SQLiteMetadataStore.open(path: path)
            let expected = SQLiteMetadataStore.migrationVersions
            #expect(first.migrationsAppliedAtOpen == expected)
            #expect(try await first.appliedMigrations() == expected)
            await first.close()

            let second = try await SQLiteMetadataStore.open(path: path)
            #expect(second.migrationsAppliedAtOpen.isEmpty)
            #expect(try await second.appliedMigrations() == expected)
            await second.close()
        }
    }

    @Test("the database runs in WAL mode with foreign keys on and full synchronous commits")
    func pragmas() async throws {
        try await withTemporaryStore { store, _ throws in
            #expect(try await store.pragma("journal_mode") == "wal")
            #expect(try await store.pragma("foreign_keys") == "1")
            // 2 = FULL: a committed transaction survives power loss.
            #expect(try await store.pragma("synchronous") == "2")
        }
    }

    @Test("committed data survives closing and reopening the file")
    func survivesReopen() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            let store = try await SQLiteMetadataStore.open(path: path)
            let model = RegisteredModel(
                id: "m1",
                name: "fraud",
                tags: ["team": "risk"],
                createdBy: "alice",
                createdAt: ManualClock.defaultStart,
                updatedAt: ManualClock.defaultStart,
                updatedBy: "alice"
            )
            let event = EventChain.next(
                after: nil,
                time: ManualClock.defaultStart,
                actor: "alice",
                action: "model.created",
                subject: "model/fraud",
                payload: "{}"
            )
            try await store.write { tx in
                try await tx.insertModel(model)
                try await tx.appendEvent(event)
            }
            await store.close()

            let reopened = try await SQLiteMetadataStore.open(path: path)
            #expect(try await reopened.read { try await $0.model(named: "fraud") } == model)
            #expect(try await reopened.read { try await $0.lastEvent() } == event)
            await reopened.close()
        }
    }

    @Test("a write inside a write of the same store throws instead of deadlocking")
    func nestedWrite() async throws {
        try await withTemporaryStore { store, _ throws in
            await #expect(throws: RegistryError.self) {
                try await store.write { _ in try await store.write { _ in } }
            }
            try await store.write { _ in }
        }
    }

    @Test("after close every call throws unavailable, and closing twice is harmless")
    func closedStore() async throws {
        try await withTemporaryDirectory { directory throws in
            let store = try await SQLiteMetadataStore.open(path: directory.appendingPathComponent("m.sqlite").path)
            await store.close()
            await store.close()
            for call in [
                { _ = try await store.read { try await $0.lastEvent() } },
                { try await store.write { _ in } },
                { _ = try await store.resolve(modelName: "x", reference: .latest) },
            ] as [@Sendable () async throws -> Void] {
                do {
                    try await call()
                    Issue.record("a closed store accepted a call")
                } catch let error as RegistryError {
                    #expect(error.code == .unavailable)
                }
            }
        }
    }

    @Test("resolve uses one indexed statement per reference kind")
    func resolveUsesIndexes() async throws {
        try await withTemporaryStore { store, _ throws in
            for plan in try await store.resolveQueryPlans() {
                #expect(!plan.contains("SCAN"), "a full scan in: \(plan)")
            }
        }
    }
}

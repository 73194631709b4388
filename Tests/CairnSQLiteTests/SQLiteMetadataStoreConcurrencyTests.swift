import CairnCore
import Foundation
import Testing

@testable import CairnSQLite

@Suite("SQLiteMetadataStore under concurrency")
struct SQLiteMetadataStoreConcurrencyTests {
    @Test("a read completes while a write transaction is suspended, and sees only committed data")
    func readersAreNotBlockedByWriters() async throws {
        try await withTemporaryStore { store, _ throws in
            let (wrote, wroteSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            async let writing: Void = store.write { tx in
                try await tx.appendEvent(
                    EventChain.next(after: nil, time: .now, actor: "a", action: "x", subject: "s", payload: "{}")
                )
                wroteSignal.yield()
                for await _ in release { break }
            }
            for await _ in wrote { break }
            // Every reader connection at once, while the writer holds BEGIN IMMEDIATE open.
            let seen = try await withThrowingTaskGroup(of: AuditEvent?.self) { group in
                for _ in 0..<8 { group.addTask { try await store.read { try await $0.lastEvent() } } }
                return try await group.reduce(into: [AuditEvent?]()) { $0.append($1) }
            }
            #expect(seen.count == 8)
            #expect(seen.allSatisfy { $0 == nil })
            releaseSignal.yield()
            try await writing
            #expect(try await store.read { try await $0.lastEvent() }?.sequence == 1)
        }
    }

    @Test("two stores opening the same new file at once apply each migration exactly once")
    func concurrentOpens() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            // Each open's outcome is kept, so a store that opened is closed even when the other failed (an unclosed
            // store traps in SQLiteNIO's deinit and would take the whole test run down with it).
            func open() async -> Result<SQLiteMetadataStore, any Error> {
                do { return .success(try await SQLiteMetadataStore.open(path: path)) } catch { return .failure(error) }
            }
            async let first = open()
            async let second = open()
            let outcomes = await [first, second]
            let stores = outcomes.compactMap { try? $0.get() }
            guard stores.count == 2 else {
                for store in stores { await store.close() }
                Issue.record("a concurrent open failed: \(outcomes)")
                return
            }
            let applied = stores.map(\.migrationsAppliedAtOpen).sorted { $0.count < $1.count }
            #expect(applied.first == [])
            #expect(applied.last == SQLiteMetadataStore.migrationVersions)
            #expect(try await stores[0].appliedMigrations() == SQLiteMetadataStore.migrationVersions)
            for store in stores { await store.close() }
        }
    }

    @Test("a write that cannot get the file's write lock within the busy timeout fails unavailable")
    func busyFileIsUnavailable() async throws {
        try await withTemporaryStore { holder, directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            let other = try await SQLiteMetadataStore.open(path: path, busyTimeout: .milliseconds(50))
            let (locked, lockedSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            async let holding: Void = holder.write { _ in
                lockedSignal.yield()
                for await _ in release { break }
            }
            for await _ in locked { break }
            do {
                try await other.write { _ in }
                Issue.record("a second writer got the lock while the first held it")
            } catch let error as RegistryError {
                #expect(error.code == .unavailable)
            }
            releaseSignal.yield()
            try await holding
            try await other.write { _ in }
            await other.close()
        }
    }
}

import CairnCore
import CairnSQL
import CairnTesting
import Foundation
import Testing

@testable import CairnSQLite

@Suite("Event log written before the typed event catalogue")
struct EventCatalogueCompatibilityTests {
    @Test("the scenario's log verifies (with CAIRN_WRITE_EVENT_FIXTURE=path, it is also written there)")
    func writeFixture() async throws {
        if let target = ProcessInfo.processInfo.environment["CAIRN_WRITE_EVENT_FIXTURE"] {
            try? FileManager.default.removeItem(atPath: target)
            try await EventLogFixture.writeDatabase(at: target)
        }
        try await withTemporaryStore { store, _ in
            let clock = ManualClock()
            let service = makeService(store: store, clock: clock)
            try await EventLogFixture.write(service, clock: clock)
            let events = try await service.allEvents()
            #expect(events.count > 60)
            #expect(EventChain.verify(events) == nil)
            for event in events { #expect(try event.decoded().canonicalPayload() == event.payload) }
        }
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/events-before-catalogue.sqlite")

    @Test("a log written before the catalogue verifies, reads with the catalogue, and the chain continues")
    func logWrittenBeforeTheCatalogue() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)
            let store = try await SQLiteMetadataStore.open(path: path)
            do {
                try await Self.checkFixture(store)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
        }
    }

    private static func checkFixture(_ store: SQLiteMetadataStore) async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_000))
        let service = makeService(store: store, clock: clock)
        let before = try await service.allEvents()
        #expect(before.count == 70)
        #expect(EventChain.verify(before) == nil)
        // Every one of the catalogue's actions of the time is in the old log (the webhook actions came later), and
        // each payload reads as its case.
        let catalogueThen = EventAction.allCases.map(\.rawValue).filter {
            !$0.hasPrefix("webhook.") && !$0.hasPrefix("deployment.")
        }
        #expect(Set(before.map(\.action)) == Set(catalogueThen))
        for event in before {
            let typed = try event.decoded()
            #expect(typed.action.rawValue == event.action)
            #expect(try RegistryEvent(action: typed.action, payload: typed.canonicalPayload()) == typed)
            #expect(try EventEnvelope(event).decoded() == typed)
        }
        // What the old log says still answers the questions it answered: the stage history and the rollback
        // evidence are replayed from it.
        let history = try await service.governance.stageHistory(
            modelName: "fraud",
            at: nil,
            actor: EventLogFixture.admin
        )
        #expect(history.versions(in: .production) == [1])
        #expect(history.changes.contains { $0.rollbackReason == "incident 42" })
        let provenance = try await service.governance.provenance(
            try ModelURI(parsing: "models:/fraud/2"),
            actor: EventLogFixture.admin
        )
        #expect(provenance.stageChanges.map(\.to).contains(.production))
        // New events chain onto the old ones, and the whole log still verifies.
        _ = try await service.catalog.setModelTag(name: "fraud", key: "after", value: "catalogue", actor: .testAdmin)
        let after = try await service.allEvents()
        #expect(after.count == before.count + 1)
        #expect(after.last?.prevHash == before.last?.hash)
        #expect(EventChain.verify(after) == nil)
        #expect(try await service.governance.verifyEventChain(actor: .testAdmin).broken == nil)
    }
}

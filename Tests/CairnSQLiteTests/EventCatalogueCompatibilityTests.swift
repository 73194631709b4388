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
        }
    }
}

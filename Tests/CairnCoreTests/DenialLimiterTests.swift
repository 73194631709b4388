import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Refusals cannot flood the audit log")
struct DenialLimiterTests {
    @Test("an account looping over a refused delete appends at most the bound per window, then says how many it hid")
    func floodIsBounded() async throws {
        let clock = ManualClock()
        let service = makeService(clock: clock)
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        let before = try await service.allEvents().count
        for _ in 0..<50 {
            await expectRegistryError(.permissionDenied) {
                try await service.catalog.deleteModel(name: "fraud", actor: bob)
            }
        }
        let flooded = try await service.allEvents()
        #expect(flooded.count - before == 20, "the bound, not one event per refusal")
        _ = clock.advance(by: 61)
        await expectRegistryError(.permissionDenied) {
            try await service.catalog.deleteModel(name: "fraud", actor: bob)
        }
        let next = try await service.allEvents()
        #expect(next.count == flooded.count + 1)
        #expect(next.last?.action == "access.denied" && next.last?.payload.contains(#""suppressed":30"#) == true)
        // Another principal's refusals are recorded as before: one actor cannot hide another's attempts.
        await expectRegistryError(.permissionDenied) {
            try await service.catalog.deleteModel(name: "fraud", actor: carolEditor)
        }
        #expect(try await service.allEvents().last?.actor == carolEditor.name)
    }
}

private let carolEditor = Principal.testUser("carol-editor", Grant(.editor))

import CairnAPI
import CairnCore
import CairnTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Successful Basic password checks are cached briefly and dropped on any store change; failures never are.
@Suite("Basic credential cache")
struct CredentialCacheTests {
    @Test("a repeated Basic password costs one verification until something is written or 60 s pass")
    func cached() async throws {
        let clock = ManualClock()
        try await APIHarness.run(countChanges: true, clock: clock) { harness, client in
            let hasher = try #require(harness.service.passwords as? FastPasswordHasher)
            _ = try await harness.service.createAccount(name: "bob", kind: .user, actor: .system)
            try await harness.service.setPassword(accountName: "bob", password: "a long passphrase", actor: .system)
            let bob = (client as! AuthorizedClient).with(AuthenticationTests.basic("bob", "a long passphrase"))
            let before = hasher.calls.verifications
            for _ in 0..<3 { #expect(try await bob.send(.get, "/api/v1/whoami").status == .ok) }
            #expect(hasher.calls.verifications == before + 1)
            clock.advance(by: 61)
            #expect(try await bob.send(.get, "/api/v1/whoami").status == .ok)
            #expect(hasher.calls.verifications == before + 2, "expired after 60 s")
            _ = try await harness.service.disableAccount(name: "bob", actor: .system)
            try AuthenticationTests.expectRefused(try await bob.send(.get, "/api/v1/whoami"), "disabled")
            let wrong = (client as! AuthorizedClient).with(AuthenticationTests.basic("admin", "wrong password!"))
            let failedBefore = hasher.calls.verifications + hasher.calls.dummies
            for _ in 0..<2 { _ = try await wrong.send(.get, "/api/v1/whoami") }
            #expect(hasher.calls.verifications + hasher.calls.dummies == failedBefore + 2, "failures are not cached")
        }
    }
}

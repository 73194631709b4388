import CairnAPI
import CairnCore
import CairnTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A Basic password costs one slow verification per password, whatever is written in between; account state is read
/// on every request, so a password change or a disabled account takes effect at once; failures are never remembered.
@Suite("Basic credentials: verified passwords are remembered, account state is not")
struct CredentialCacheTests {
    @Test("a repeated Basic password is verified once, across writes, until the password changes")
    func remembered() async throws {
        try await APIHarness.run { harness, client in
            let hasher = try #require(harness.service.passwords as? FastPasswordHasher)
            _ = try await harness.service.identity.createAccount(name: "bob", kind: .user, actor: .system)
            _ = try await harness.service.identity.grant(Grant(.editor), to: "bob", actor: .system)
            try await harness.service.identity.setPassword(
                accountName: "bob",
                password: "a long passphrase",
                actor: .system
            )
            let bob = (client as! AuthorizedClient).with(AuthenticationTests.basic("bob", "a long passphrase"))
            let before = hasher.calls.verifications
            for i in 0..<3 {
                #expect(try await bob.send(.get, "/api/v1/whoami").status == .ok)
                let created = try await bob.send(.post, "/api/v1/models", json: #"{"name":"m\#(i)"}"#)
                #expect(created.status == .created, "writes in between do not cost a verification")
            }
            #expect(hasher.calls.verifications == before + 1)

            try await harness.service.identity.setPassword(
                accountName: "bob",
                password: "another passphrase",
                actor: .system
            )
            try AuthenticationTests.expectRefused(try await bob.send(.get, "/api/v1/whoami"), "old password")
            let renewed = (client as! AuthorizedClient).with(AuthenticationTests.basic("bob", "another passphrase"))
            #expect(try await renewed.send(.get, "/api/v1/whoami").status == .ok)
            _ = try await harness.service.identity.disableAccount(name: "bob", actor: .system)
            try AuthenticationTests.expectRefused(try await renewed.send(.get, "/api/v1/whoami"), "disabled")

            let wrong = (client as! AuthorizedClient).with(AuthenticationTests.basic("admin", "wrong password!"))
            let failedBefore = hasher.calls.verifications + hasher.calls.dummies
            for _ in 0..<2 { _ = try await wrong.send(.get, "/api/v1/whoami") }
            #expect(
                hasher.calls.verifications + hasher.calls.dummies == failedBefore + 2,
                "failures are not remembered"
            )
        }
    }
}

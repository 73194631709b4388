import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Credentials cannot outgrow what presented them")
struct CredentialRulesTests {
    @Test("a token minted with a short-lived token expires with its parent, whatever it asks for")
    func mintedTokensExpireWithTheirParent() async throws {
        let clock = ManualClock()
        let (service, admin, _) = try await identityFixture(clock: clock)
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        let parentExpiry = clock.now().addingTimeInterval(3600)
        let parent = try await service.identity.createToken(accountName: "dana", expiresAt: parentExpiry, actor: admin)
        let dana = try await service.identity.authenticate(.bearer(parent.secret))
        #expect(dana.credentialExpiresAt == parentExpiry)
        let forever = try await service.identity.createToken(accountName: "dana", expiresAt: nil, actor: dana)
        let later = try await service.identity.createToken(
            accountName: "dana",
            expiresAt: clock.now().addingTimeInterval(86_400 * 365),
            actor: dana
        )
        let sooner = try await service.identity.createToken(
            accountName: "dana",
            expiresAt: clock.now().addingTimeInterval(60),
            actor: dana
        )
        #expect(forever.token.expiresAt == parentExpiry && later.token.expiresAt == parentExpiry)
        #expect(sooner.token.expiresAt == clock.now().addingTimeInterval(60))
        _ = clock.advance(by: 3601)
        await expectRegistryError(.unauthenticated) { try await service.identity.authenticate(.bearer(forever.secret)) }
        // An admin minting for another account is not capped by its own credential.
        let unbounded = try await service.identity.createToken(accountName: "dana", actor: admin)
        #expect(unbounded.token.expiresAt == nil)
    }

    @Test("changing one's own password needs the current one; an admin needs none; the first is the admin's")
    func ownPasswordNeedsTheCurrentOne() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        let token = try await service.identity.createToken(accountName: "dana", actor: admin)
        let dana = try await service.identity.authenticate(.bearer(token.secret))
        let first = await expectRegistryError(.permissionDenied) {
            try await service.identity.setPassword(accountName: "dana", password: "a long enough one", actor: dana)
        }
        #expect(first?.message.contains("an admin must set the first one") == true)
        try await service.identity.setPassword(accountName: "dana", password: "correct horse battery", actor: admin)
        for current in [nil, "wrong password here"] {
            await expectRegistryError(.permissionDenied) {
                try await service.identity.setPassword(
                    accountName: "dana",
                    password: "stolen token takeover",
                    currentPassword: current,
                    actor: dana
                )
            }
        }
        await expectRegistryError(.unauthenticated) {
            try await service.identity.authenticate(.basic(username: "dana", secret: "stolen token takeover"))
        }
        try await service.identity.setPassword(
            accountName: "dana",
            password: "a brand new password",
            currentPassword: "correct horse battery",
            actor: dana
        )
        _ = try await service.identity.authenticate(.basic(username: "dana", secret: "a brand new password"))
    }

    @Test("past the budget, a password check is shed before hashing; tokens still authenticate")
    func hashingBudgetSheds() async throws {
        let budget = PasswordCheckBudget(limit: 0)
        let store = InMemoryMetadataStore()
        let service = RegistryService(
            store: store,
            blobs: InMemoryBlobStore(),
            passwords: FastPasswordHasher(),
            passwordChecks: budget
        )
        let admin = try #require(try await service.identity.bootstrapAdmin())
        await expectRegistryError(.unavailable) {
            try await service.identity.authenticate(.basic(username: "nobody", secret: "guess"))
        }
        _ = try await service.identity.authenticate(.bearer(admin.secret))
        _ = try await service.identity.authenticate(.basic(username: "admin", secret: admin.secret))
        #expect(budget.running == 0)
    }
}

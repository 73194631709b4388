import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Identity: tokens and authentication")
struct IdentityTokenTests {
    let message = IdentityService.authenticationFailedMessage

    @Test("a token is shown once, stored only as its hash, listed without secret, and authenticates as its account")
    func tokenLifecycle() async throws {
        let store = InMemoryMetadataStore()
        let (service, admin, _) = try await identityFixture(store: store)
        _ = try await service.identity.createAccount(name: "ci-bot", kind: .serviceAccount, actor: admin)
        try await service.identity.grant(Grant(.editor), to: "ci-bot", actor: admin)
        let new = try await service.identity.createToken(accountName: "ci-bot", description: "CI", actor: admin)
        #expect(new.secret.hasPrefix("cairn_") && new.secret.count == 49)
        #expect(new.secret.dropFirst(6).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let other = try await service.identity.createToken(accountName: "ci-bot", actor: admin)
        #expect(other.secret != new.secret)
        let stored = try await store.read {
            try await $0.token(secretHash: APIToken.hash(ofSecret: new.secret))
        }
        #expect(stored?.id == new.token.id)
        #expect(
            try await service.identity.tokens(accountName: "ci-bot", actor: admin).map(\.id) == [
                new.token.id, other.token.id,
            ]
        )
        let bot = try await service.identity.authenticate(.bearer(new.secret))
        #expect(bot.name == "ci-bot" && bot.kind == .serviceAccount && bot.grants == [Grant(.editor)])
        #expect(try await service.identity.authenticate(.basic(username: "ci-bot", secret: new.secret)).id == bot.id)
        let events = try await service.allEvents().filter { $0.action == "token.created" }
        #expect(events.count == 2 && events[0].subject == "account/ci-bot/token/\(new.token.id)")
        for event in try await service.allEvents() {
            #expect(!event.payload.contains(new.secret) && !event.payload.contains(APIToken.hash(ofSecret: new.secret)))
        }
    }

    @Test("an expired token fails at its expiry instant, judged by the injected clock")
    func expiry() async throws {
        let clock = ManualClock()
        let (service, admin, _) = try await identityFixture(clock: clock)
        let expiresAt = clock.now().addingTimeInterval(3600)
        let new = try await service.identity.createToken(accountName: "admin", expiresAt: expiresAt, actor: admin)
        #expect(try await service.identity.authenticate(.bearer(new.secret)).name == "admin")
        clock.advance(by: 3599.999)
        #expect(try await service.identity.authenticate(.bearer(new.secret)).name == "admin")
        clock.advance(by: 0.001)
        let error = await expectRegistryError(.unauthenticated) {
            try await service.identity.authenticate(.bearer(new.secret))
        }
        #expect(error?.message == message)
        await expectRegistryError(.invalidArgument) {
            try await service.identity.createToken(accountName: "admin", expiresAt: clock.now(), actor: admin)
        }
    }

    @Test("a revoked token fails on the very next call; revoking twice records once")
    func revocation() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        let new = try await service.identity.createToken(accountName: "dana", actor: admin)
        let dana = try await service.identity.authenticate(.bearer(new.secret))
        let revoked = try await service.identity.revokeToken(id: new.token.id, actor: dana)
        #expect(revoked.token.revokedAt != nil && revoked.accountName == "dana")
        try await service.identity.revokeToken(id: new.token.id, actor: admin)
        await expectRegistryError(.unauthenticated) { try await service.identity.authenticate(.bearer(new.secret)) }
        await expectRegistryError(.unauthenticated) {
            try await service.identity.authenticate(.basic(username: "dana", secret: new.secret))
        }
        #expect(try await service.allEvents().filter { $0.action == "token.revoked" }.map(\.actor) == ["dana"])
        await expectRegistryError(.notFound) { try await service.identity.revokeToken(id: "nope", actor: admin) }
        await expectRegistryError(.permissionDenied) { try await service.identity.revokeToken(id: "nope", actor: dana) }
    }

    @Test("basic authentication accepts the user's password or one of its own tokens")
    func basic() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        _ = try await service.identity.createAccount(name: "erin", kind: .user, actor: admin)
        try await service.identity.setPassword(accountName: "dana", password: "correct horse battery", actor: admin)
        let danaToken = try await service.identity.createToken(accountName: "dana", actor: admin)
        let erinToken = try await service.identity.createToken(accountName: "erin", actor: admin)
        let byPassword = try await service.identity.authenticate(
            .basic(username: "dana", secret: "correct horse battery")
        )
        #expect(byPassword.name == "dana")
        #expect(
            try await service.identity.authenticate(.basic(username: "dana", secret: danaToken.secret)).name == "dana"
        )
        for secret in ["correct horse batterY", erinToken.secret, "", "cairn_made-up"] {
            let error = await expectRegistryError(.unauthenticated) {
                try await service.identity.authenticate(.basic(username: "dana", secret: secret))
            }
            #expect(error?.message == message)
        }
        let event = try #require(try await service.allEvents().first { $0.action == "account.password_set" })
        #expect(!event.payload.contains("correct horse") && !event.payload.contains("fake-sha256"))
        // A user changes their own password; the old one stops working.
        let dana = byPassword
        try await service.identity.setPassword(
            accountName: "dana",
            password: "new and long enough",
            currentPassword: "correct horse battery",
            actor: dana
        )
        await expectRegistryError(.unauthenticated) {
            try await service.identity.authenticate(.basic(username: "dana", secret: "correct horse battery"))
        }
        #expect(
            try await service.identity.authenticate(.basic(username: "dana", secret: "new and long enough")).name
                == "dana"
        )
    }

    @Test("a disabled account cannot authenticate with any credential; re-enabled, it can again")
    func disabled() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        try await service.identity.setPassword(accountName: "dana", password: "correct horse battery", actor: admin)
        let token = try await service.identity.createToken(accountName: "dana", actor: admin)
        _ = try await service.identity.disableAccount(name: "dana", actor: admin)
        for credentials in [
            Credentials.bearer(token.secret), .basic(username: "dana", secret: token.secret),
            .basic(username: "dana", secret: "correct horse battery"),
        ] {
            let error = await expectRegistryError(.unauthenticated) {
                try await service.identity.authenticate(credentials)
            }
            #expect(error?.message == message)
        }
        _ = try await service.identity.enableAccount(name: "dana", actor: admin)
        #expect(try await service.identity.authenticate(.bearer(token.secret)).name == "dana")
    }

    @Test("failures look alike: unknown users get one message and still spend a password verification")
    func genericFailure() async throws {
        let passwords = FastPasswordHasher()
        let (service, admin, _) = try await identityFixture(passwords: passwords)
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        _ = try await service.identity.createAccount(name: "bot", kind: .serviceAccount, actor: admin)
        try await service.identity.setPassword(accountName: "dana", password: "correct horse battery", actor: admin)
        let before = passwords.calls
        var messages: Set<String> = []
        for credentials in [
            Credentials.basic(username: "nobody", secret: "whatever it is"), .basic(username: "dana", secret: "wrong"),
            .basic(username: "bot", secret: "no passwords here"), .bearer("cairn_unknown"), .bearer(""),
            .bearer(String(repeating: "x", count: 10_000)),
        ] {
            let error = await expectRegistryError(.unauthenticated) {
                try await service.identity.authenticate(credentials)
            }
            messages.insert(error?.message ?? "")
        }
        #expect(messages == [message])
        let after = passwords.calls
        #expect(after.dummies - before.dummies == 2, "unknown user and password-less service account")
        #expect(after.verifications - before.verifications == 1)
    }

    @Test("last use is recorded at most once a minute, without an event")
    func lastUsed() async throws {
        let clock = ManualClock()
        let (service, admin, _) = try await identityFixture(clock: clock)
        let new = try await service.identity.createToken(accountName: "admin", actor: admin)
        let first = clock.now()
        _ = try await service.identity.authenticate(.bearer(new.secret))
        clock.advance(by: 30)
        _ = try await service.identity.authenticate(.bearer(new.secret))
        var listed = try await service.identity.tokens(accountName: "admin", actor: admin).first {
            $0.id == new.token.id
        }
        #expect(listed?.lastUsedAt == first)
        clock.advance(by: 31)
        _ = try await service.identity.authenticate(.bearer(new.secret))
        listed = try await service.identity.tokens(accountName: "admin", actor: admin).first { $0.id == new.token.id }
        #expect(listed?.lastUsedAt == clock.now())
        #expect(try await service.allEvents().allSatisfy { $0.action != "token.used" })
    }
}

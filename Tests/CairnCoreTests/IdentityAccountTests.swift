import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Identity: accounts and grants")
struct IdentityAccountTests {
    @Test("bootstrap creates one admin with a token, once; later starts change nothing")
    func bootstrap() async throws {
        let service = makeService()
        let first = try #require(try await service.identity.bootstrapAdmin())
        #expect(first.secret.hasPrefix("cairn_") && first.secret.count == 6 + 43)
        #expect(try await service.identity.bootstrapAdmin() == nil)
        let admin = try await service.identity.authenticate(.bearer(first.secret))
        #expect(admin.name == "admin" && admin.kind == .user && admin.grants == [Grant(.admin)])
        let events = try await service.allEvents()
        #expect(events.map(\.action) == ["account.bootstrapped"])
        #expect(events[0].actor == "system")
        #expect(!events[0].payload.contains(first.secret))
        #expect(!events[0].payload.contains(APIToken.hash(ofSecret: first.secret)))
    }

    @Test("an admin creates, lists, disables and re-enables accounts; each change records one event")
    func lifecycle() async throws {
        let (service, admin, _) = try await identityFixture()
        let dana = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        let bot = try await service.identity.createAccount(name: "ci-bot", kind: .serviceAccount, actor: admin)
        #expect(dana.createdBy == "admin" && bot.kind == .serviceAccount)
        #expect(try await service.identity.accounts(actor: admin).map(\.name) == ["admin", "ci-bot", "dana"])
        await expectRegistryError(.alreadyExists) {
            try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        }
        #expect(try await service.identity.disableAccount(name: "dana", actor: admin).disabled)
        #expect(try await service.identity.disableAccount(name: "dana", actor: admin).disabled, "idempotent")
        #expect(try await !service.identity.enableAccount(name: "dana", actor: admin).disabled)
        let actions = try await service.allEvents().dropFirst().map(\.action)
        #expect(actions == ["account.created", "account.created", "account.disabled", "account.enabled"])
        #expect(try await service.allEvents().last?.subject == "account/dana")
    }

    @Test(
        "account names are validated",
        arguments: ["", "anonymous", "System", "has space", "a:b", "-lead", String(repeating: "x", count: 65)]
    )
    func badNames(_ name: String) async throws {
        let (service, admin, _) = try await identityFixture()
        await expectRegistryError(.invalidArgument) {
            try await service.identity.createAccount(name: name, kind: .user, actor: admin)
        }
    }

    @Test("grants are added and revoked idempotently and take effect on the next authentication")
    func grants() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        let token = try await service.identity.createToken(accountName: "dana", actor: admin)
        #expect(try await service.identity.authenticate(.bearer(token.secret)).grants == [])
        try await service.identity.grant(Grant(.editor, .modelPrefix("team-a/")), to: "dana", actor: admin)
        let grants = try await service.identity.grant(Grant(.viewer), to: "dana", actor: admin)
        #expect(try await service.identity.grant(Grant(.viewer), to: "dana", actor: admin) == grants)
        let dana = try await service.identity.authenticate(.bearer(token.secret))
        #expect(dana.grants == [Grant(.viewer), Grant(.editor, .modelPrefix("team-a/"))])
        #expect(Authorization.decide(dana, .write, model: "team-a/x").isAllowed)
        try await service.identity.revoke(Grant(.editor, .modelPrefix("team-a/")), from: "dana", actor: admin)
        try await service.identity.revoke(Grant(.editor, .modelPrefix("team-a/")), from: "dana", actor: admin)
        #expect(try await service.identity.authenticate(.bearer(token.secret)).grants == [Grant(.viewer)])
        let events = try await service.allEvents().filter { $0.action.hasPrefix("grant.") }
        #expect(events.map(\.action) == ["grant.added", "grant.added", "grant.revoked"])
        #expect(events[0].payload.contains("prefix:team-a/"))
        await expectRegistryError(.invalidArgument) {
            try await service.identity.grant(Grant(.viewer, .modelPrefix("")), to: "dana", actor: admin)
        }
        await expectRegistryError(.notFound) {
            try await service.identity.grant(Grant(.viewer), to: "ghost", actor: admin)
        }
    }

    @Test("the last enabled global admin can be neither disabled nor stripped of admin")
    func lastAdmin() async throws {
        let (service, admin, _) = try await identityFixture()
        await expectRegistryError(.failedPrecondition) {
            try await service.identity.disableAccount(name: "admin", actor: admin)
        }
        await expectRegistryError(.failedPrecondition) {
            try await service.identity.revoke(Grant(.admin), from: "admin", actor: admin)
        }
        _ = try await service.identity.createAccount(name: "root2", kind: .user, actor: admin)
        try await service.identity.grant(Grant(.admin), to: "root2", actor: admin)
        #expect(try await service.identity.disableAccount(name: "admin", actor: admin).disabled)
    }

    @Test("non-admins are refused every admin operation with a clear message, and the refusal is recorded")
    func nonAdminsRefused() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        _ = try await service.identity.createAccount(name: "erin", kind: .user, actor: admin)
        try await service.identity.grant(Grant(.editor), to: "dana", actor: admin)
        try await service.identity.grant(Grant(.admin, .model("fraud")), to: "dana", actor: admin)
        let dana = try await service.identity.authenticate(
            .bearer(try await service.identity.createToken(accountName: "dana", actor: admin).secret)
        )
        let before = try await service.allEvents().count
        for caller in [dana, Principal.anonymous(.editor)] {
            let attempts: [@Sendable () async throws -> Void] = [
                { _ = try await service.identity.createAccount(name: "mallory", kind: .user, actor: caller) },
                { _ = try await service.identity.accounts(actor: caller) },
                { _ = try await service.identity.disableAccount(name: "erin", actor: caller) },
                { try await service.identity.grant(Grant(.admin), to: caller.name, actor: caller) },
                { try await service.identity.revoke(Grant(.admin), from: "admin", actor: caller) },
                { _ = try await service.identity.createToken(accountName: "erin", actor: caller) },
                { _ = try await service.identity.tokens(accountName: "erin", actor: caller) },
                {
                    try await service.identity.setPassword(
                        accountName: "erin",
                        password: "a long enough one",
                        actor: caller
                    )
                },
            ]
            // Anonymous callers are told to sign in (401 over HTTP); accounts that hold too little are refused (403).
            let code: RegistryError.Code = caller.kind == .anonymous ? .unauthenticated : .permissionDenied
            for attempt in attempts {
                let error = await expectRegistryError(code) { try await attempt() }
                #expect(error?.message.contains("admin") == true, "\(String(describing: error))")
            }
        }
        let denials = try await service.allEvents().dropFirst(before)
        #expect(denials.count == 16 && denials.allSatisfy { $0.action == "access.denied" })
        #expect(denials.first?.actor == "dana" && denials.last?.actor == "anonymous")
        #expect(denials.first?.payload.contains("create account 'mallory'") == true)
        #expect(try await service.identity.accounts(actor: admin).map(\.name) == ["admin", "dana", "erin"])
    }

    @Test("a user reads their own account; a service account cannot have a password")
    func selfService() async throws {
        let (service, admin, _) = try await identityFixture()
        _ = try await service.identity.createAccount(name: "dana", kind: .user, actor: admin)
        _ = try await service.identity.createAccount(name: "ci-bot", kind: .serviceAccount, actor: admin)
        try await service.identity.grant(Grant(.viewer), to: "dana", actor: admin)
        let dana = try await service.identity.authenticate(
            .bearer(try await service.identity.createToken(accountName: "dana", actor: admin).secret)
        )
        #expect(try await service.identity.account(named: "dana", actor: dana).grants == [Grant(.viewer)])
        await expectRegistryError(.permissionDenied) { try await service.identity.account(named: "admin", actor: dana) }
        await expectRegistryError(.invalidArgument) {
            try await service.identity.setPassword(accountName: "ci-bot", password: "a long enough one", actor: admin)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.identity.setPassword(accountName: "dana", password: "short", actor: dana)
        }
    }
}

/// A service with a bootstrapped admin, and the admin's principal.
func identityFixture(
    store: any MetadataStore = InMemoryMetadataStore(),
    clock: ManualClock = ManualClock(),
    passwords: FastPasswordHasher = FastPasswordHasher()
) async throws -> (service: RegistryService, admin: Principal, adminToken: String) {
    let service = makeService(store: store, clock: clock, passwords: passwords)
    let bootstrap = try await service.identity.bootstrapAdmin()
    let secret = try require(bootstrap).secret
    return (service, try await service.identity.authenticate(.bearer(secret)), secret)
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw RegistryError(.internalError, "bootstrap returned nil") }
    return value
}

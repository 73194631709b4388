import CairnAPI
import CairnCore
import CairnHTTP
import CairnTesting
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Credentials over HTTP: Bearer and Basic, revocation and expiry on the next request, no fallback to anonymous.
@Suite("Authentication over HTTP")
struct AuthenticationTests {
    static func basic(_ user: String, _ secret: String) -> String {
        "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
    }

    /// Creates a user holding `role` globally, with a token; returns the token's secret and id.
    static func account(_ service: RegistryService, _ name: String, _ role: Role, expiresAt: Date? = nil) async throws
        -> (secret: String, id: String)
    {
        _ = try await service.identity.createAccount(name: name, kind: .user, actor: .system)
        try await service.identity.grant(Grant(role), to: name, actor: .system)
        let token = try await service.identity.createToken(accountName: name, expiresAt: expiresAt, actor: .system)
        return (token.secret, token.token.id)
    }

    static func expectRefused(_ response: TestResponse, _ label: String) throws {
        #expect(response.status == .unauthorized, "\(label)")
        #expect(response.headers[.wwwAuthenticate] == AccessRule.challenge, "\(label)")
        let error = try decode(ErrorBody.self, response)
        #expect(error.code == "UNAUTHENTICATED" && error.message == IdentityService.authenticationFailedMessage)
    }

    @Test("a revoked token fails on the very next request")
    func revocation() async throws {
        try await APIHarness.run { harness, client in
            let (secret, id) = try await Self.account(harness.service, "reader", .viewer)
            let reader = (client as! AuthorizedClient).with("Bearer \(secret)")
            #expect(try await reader.send(.get, "/api/v1/models").status == .ok)
            #expect(try await client.send(.delete, "/api/v1/tokens/\(id)").status == .ok)
            try Self.expectRefused(try await reader.send(.get, "/api/v1/models"), "revoked")
        }
    }

    @Test("an expired token fails, judged by the injected clock")
    func expiry() async throws {
        let clock = ManualClock()
        try await APIHarness.run(clock: clock) { harness, client in
            let expires = clock.now().addingTimeInterval(60)
            let (secret, _) = try await Self.account(harness.service, "ci", .editor, expiresAt: expires)
            let ci = (client as! AuthorizedClient).with("Bearer \(secret)")
            #expect(try await ci.send(.get, "/api/v1/whoami").status == .ok)
            clock.advance(by: 60)
            try Self.expectRefused(try await ci.send(.get, "/api/v1/whoami"), "expired")
        }
    }

    @Test("HTTP Basic works with a password and with a token; bad ones are refused alike")
    func basicAuth() async throws {
        try await APIHarness.run { harness, client in
            let (secret, _) = try await Self.account(harness.service, "alice", .editor)
            let set = try await client.send(
                .put,
                "/api/v1/accounts/alice/password",
                json: #"{"password":"a long passphrase"}"#
            )
            #expect(set.status == .noContent)
            let base = client as! AuthorizedClient
            for credential in [Self.basic("alice", "a long passphrase"), Self.basic("alice", secret)] {
                let me = try decode(WhoAmIDTO.self, try await base.with(credential).send(.get, "/api/v1/whoami"))
                #expect(
                    me.name == "alice" && me.kind == "user" && me.grants == [GrantDTO(role: "editor", scope: "global")]
                )
            }
            for (label, credential) in [
                ("wrong password", Self.basic("alice", "not the passphrase")),
                ("unknown user", Self.basic("nobody", "a long passphrase")),
                ("another's token", Self.basic("admin", secret)),
            ] {
                try Self.expectRefused(try await base.with(credential).send(.get, "/api/v1/whoami"), label)
            }
        }
    }

    @Test("bad or malformed credentials never fall back to anonymous, even where anonymous may act")
    func noFallback() async throws {
        try await APIHarness.run(anonymous: .editor) { _, client in
            let base = client as! AuthorizedClient
            let anonymous = try decode(WhoAmIDTO.self, try await base.with(nil).send(.get, "/api/v1/whoami"))
            #expect(anonymous.name == "anonymous" && anonymous.grants == [GrantDTO(role: "editor", scope: "global")])
            for credential in [
                "Bearer cairn_nope", "Basic !!!", "Basic " + Data("no-colon".utf8).base64EncodedString(), "Digest x",
                "Bearer", "Token abc",
            ] {
                let create = try await base.with(credential).send(.post, "/api/v1/models", json: #"{"name":"x"}"#)
                try Self.expectRefused(create, credential)
                try Self.expectRefused(try await base.with(credential).send(.get, "/healthz"), credential)
            }
            let twice = try await base.with(nil).execute(
                uri: "/api/v1/whoami",
                method: .get,
                headers: [.authorization: "Bearer cairn_a", .authorization: "Bearer cairn_b"]
            )
            try Self.expectRefused(twice, "two Authorization headers")
            #expect(try await base.send(.get, "/api/v1/models/x").status == .notFound, "nothing was created")
        }
    }

    @Test("failed logins are slowed after five, per client and per account; a success forgives only its account")
    func bruteForce() async throws {
        let clock = ManualClock()
        let waits = Mutex<[Duration]>([])
        let throttle = LoginThrottle(clock: clock, sleeper: { delay in waits.withLock { $0.append(delay) } })
        try await APIHarness.run(throttle: throttle) { harness, client in
            let wrong = (client as! AuthorizedClient).with(Self.basic("admin", "guess"))
            for _ in 0..<9 { _ = try await wrong.send(.get, "/api/v1/whoami") }
            #expect(
                waits.withLock { $0 } == [
                    .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                ]
            )
            // Succeeding with one's own credentials does not wipe what the client earned guessing.
            let own = (client as! AuthorizedClient).with(Self.basic("admin", harness.adminToken))
            #expect(try await own.send(.get, "/api/v1/whoami").status == .ok)
            waits.withLock { $0.removeAll() }
            let other = (client as! AuthorizedClient).with(Self.basic("nobody", "guess"))
            _ = try await other.send(.get, "/api/v1/whoami")
            #expect(waits.withLock { $0 } == [.milliseconds(1600)], "the client's series goes on")
        }
        // Failures against one account count wherever they come from.
        let spread = LoginThrottle(clock: ManualClock(), sleeper: { _ in })
        for index in 0..<6 { await spread.failed(clients: ["10.0.0.\(index)", "account:dana"]) }
        #expect(spread.recordFailure(client: "account:dana") == .milliseconds(200))
        #expect(spread.recordFailure(client: "10.0.0.99") == .zero)
    }
}

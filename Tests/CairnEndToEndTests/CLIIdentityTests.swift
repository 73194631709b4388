import CairnClient
import CairnWire
import Foundation
import Testing

/// `cairn whoami`, `cairn users …` and `cairn tokens …` against a real `cairn serve --anonymous none`, authenticated
/// with the bootstrap admin's token from `<data>/admin-token`.
@Suite("cairn identity commands end to end", .serialized)
struct CLIIdentityTests {
    /// A server that refuses anonymous callers, and the admin token it wrote at first start.
    static func withLockedServer(_ body: (ServerProcess, String) async throws -> Void) async throws {
        try await ServerProcess.with(arguments: ["--anonymous", "none"]) { server in
            let admin = try server.adminToken()
            #expect(admin.hasPrefix("cairn_"))
            let mode =
                try FileManager.default.attributesOfItem(
                    atPath: server.dataDirectory.url.appendingPathComponent("admin-token").path
                )[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(!server.log.contains(admin), "the admin secret must not be logged")
            try await body(server, admin)
        }
    }

    /// Runs `cairn arguments…` against `server` with `token` in `CAIRN_TOKEN` (none when `nil`).
    static func run(
        _ arguments: [String],
        _ server: ServerProcess,
        token: String?,
        stdin: Data? = nil
    ) async throws -> CLI.Result {
        try await CLI.run(
            arguments,
            server: server.url,
            environment: token.map { ["CAIRN_TOKEN": $0] } ?? [:],
            stdin: stdin
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, _ result: CLI.Result) throws -> T {
        try WireJSON.decoder().decode(T.self, from: Data(result.stdout.utf8))
    }

    @Test("without a token every command fails with exit 1 and says how to authenticate")
    func anonymousRefused() async throws {
        try await Self.withLockedServer { server, admin in
            // whoami answers anonymous callers (it is how a client finds out it is one); everything else refuses them.
            let anonymous = try await Self.run(["whoami", "--json"], server, token: nil)
            #expect(anonymous.status == 0, "\(anonymous.stderr)")
            #expect(try Self.decode(WhoAmIDTO.self, anonymous).kind == "anonymous")
            for arguments in [["models", "list"], ["users", "list"], ["tokens", "list"], ["tokens", "create"]] {
                let result = try await Self.run(arguments, server, token: nil)
                #expect(result.status == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("--token") && result.stderr.contains("CAIRN_TOKEN"), "\(result.stderr)")
            }
            let wrong = try await Self.run(["whoami"], server, token: "cairn_not-a-real-token")
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("refused"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("cairn_not-a-real-token"))

            let whoami = try await Self.run(["whoami", "--json"], server, token: admin)
            #expect(whoami.status == 0, "\(whoami.stderr)")
            let principal = try Self.decode(WhoAmIDTO.self, whoami)
            #expect(principal.name == "admin")
            #expect(principal.grants.contains(.global("admin")))
            let table = try await CLI.run(["--token", admin, "whoami"], server: server.url)
            #expect(table.stdout.contains("admin"), "\(table.stderr)")
        }
    }

    @Test("a prefix grant lets a user's token push inside the prefix only; a revoked token stops working")
    func prefixGrantAndRevocation() async throws {
        try await Self.withLockedServer { server, admin in
            let created = try await Self.run(["users", "create", "alice", "--json"], server, token: admin)
            #expect(created.status == 0, "\(created.stderr)")
            let account = try Self.decode(AccountDTO.self, created)
            #expect(account.kind == "user" && !account.disabled && account.createdBy == "admin")

            let grant = try await Self.run(
                ["users", "grant", "alice", "editor", "--prefix", "team-a-"],
                server,
                token: admin
            )
            #expect(grant.status == 0, "\(grant.stderr)")
            #expect(grant.stdout.contains("prefix") && grant.stdout.contains("team-a-*"), "\(grant.stdout)")
            for name in ["team-a-x", "team-b-x"] {
                let model = try await Self.run(["models", "create", name], server, token: admin)
                #expect(model.status == 0, "\(model.stderr)")
            }

            let issued = try await Self.run(
                ["tokens", "create", "--account", "alice", "--description", "ci", "--json"],
                server,
                token: admin
            )
            #expect(issued.status == 0, "\(issued.stderr)")
            let token = try Self.decode(NewTokenDTO.self, issued)
            #expect(token.secret.hasPrefix("cairn_") && token.token.account == "alice")
            #expect(token.token.expiresAt == nil)

            let whoami = try await Self.run(["whoami", "--json"], server, token: token.secret)
            #expect(try Self.decode(WhoAmIDTO.self, whoami).grants == [.prefix("editor", "team-a-")])

            let tree = try CLITests.makeModelTree()
            let allowed = try await Self.run(["push", "team-a-x", tree.url.path], server, token: token.secret)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            let denied = try await Self.run(["push", "team-b-x", tree.url.path], server, token: token.secret)
            #expect(denied.status == 1)
            #expect(!denied.stderr.isEmpty && !denied.stderr.contains("CAIRN_TOKEN"), "\(denied.stderr)")
            let notAdmin = try await Self.run(["users", "list"], server, token: token.secret)
            #expect(notAdmin.status == 1)
            for result in [denied, notAdmin] {
                #expect(!result.stderr.contains(token.secret) && !result.stderr.contains(admin))
            }

            let listed = try await Self.run(["tokens", "list", "--account", "alice", "--json"], server, token: admin)
            #expect(try Self.decode(TokenListDTO.self, listed).tokens.map(\.id) == [token.token.id])
            #expect(!listed.stdout.contains(token.secret))
            let own = try await Self.run(["tokens", "list"], server, token: token.secret)
            #expect(own.status == 0 && own.stdout.contains(token.token.id) && own.stdout.contains("active"))

            let revoked = try await Self.run(["tokens", "revoke", token.token.id], server, token: admin)
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let after = try await Self.run(["whoami"], server, token: token.secret)
            #expect(after.status == 1)
            #expect(after.stderr.contains("refused"), "\(after.stderr)")
            #expect(!after.stderr.contains(token.secret))
            let table = try await Self.run(["tokens", "list", "--account", "alice"], server, token: admin)
            #expect(table.stdout.contains("revoked"), "\(table.stdout)")
        }
    }

    @Test("users list, show, revoke, disable, enable and password")
    func accountLifecycle() async throws {
        try await Self.withLockedServer { server, admin in
            #expect(
                try await Self.run(["users", "create", "bot", "--service-account"], server, token: admin).status == 0
            )
            #expect(try await Self.run(["users", "create", "bob"], server, token: admin).status == 0)
            let granted = try await Self.run(
                ["users", "grant", "bob", "viewer", "--model", "m1", "--json"],
                server,
                token: admin
            )
            #expect(try Self.decode(GrantListDTO.self, granted).grants == [.model("viewer", "m1")])

            let list = try await Self.run(["users", "list"], server, token: admin)
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("NAME") == true)
            #expect(lines.contains { $0.hasPrefix("bot ") && $0.contains("service account") }, "\(list.stdout)")
            #expect(lines.contains { $0.hasPrefix("bob ") && $0.contains("viewer on m1") }, "\(list.stdout)")

            let revoke = try await Self.run(
                ["users", "revoke", "bob", "viewer", "--model", "m1", "--json"],
                server,
                token: admin
            )
            #expect(try Self.decode(GrantListDTO.self, revoke).grants.isEmpty, "\(revoke.stderr)")

            let disabled = try await Self.run(["users", "disable", "bob", "--json"], server, token: admin)
            #expect(try Self.decode(AccountDTO.self, disabled).disabled)
            let shown = try await Self.run(["users", "show", "bob"], server, token: admin)
            #expect(shown.stdout.contains("disabled"), "\(shown.stdout)")
            let enabled = try await Self.run(["users", "enable", "bob", "--json"], server, token: admin)
            #expect(try !Self.decode(AccountDTO.self, enabled).disabled)

            let password = try await Self.run(
                ["users", "password", "bob"],
                server,
                token: admin,
                stdin: Data("correct horse battery\n".utf8)
            )
            #expect(password.status == 0, "\(password.stderr)")
            #expect(!password.stdout.contains("correct horse") && !password.stderr.contains("correct horse"))
            let missing = try await Self.run(["users", "show", "nobody"], server, token: admin)
            #expect(missing.status == 1)
        }
    }

    @Test("tokens create --expires-in shows the expiry, and the secret once with a warning")
    func expiringToken() async throws {
        try await Self.withLockedServer { server, admin in
            let human = try await Self.run(["tokens", "create", "--expires-in", "12h"], server, token: admin)
            #expect(human.status == 0, "\(human.stderr)")
            #expect(human.stdout.contains("for 'admin'"), "\(human.stdout)")
            #expect(human.stdout.contains("(expires 20"), "\(human.stdout)")
            #expect(human.stdout.contains("will not be shown again"))
            let secret = try #require(
                human.stdout.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("cairn_") }
            )
            #expect(try await Self.run(["whoami"], server, token: String(secret)).status == 0)

            let start = Date()
            let json = try await Self.run(["tokens", "create", "--expires-in", "90m", "--json"], server, token: admin)
            let expiry = try #require(try Self.decode(NewTokenDTO.self, json).token.expiresAt)
            #expect(abs(expiry.timeIntervalSince(start) - 90 * 60) < 120)

            let list = try await Self.run(["tokens", "list"], server, token: admin)
            #expect(list.stdout.contains("never") && list.stdout.contains("EXPIRES"), "\(list.stdout)")
            #expect(!list.stdout.contains(String(secret)))
        }
    }
}

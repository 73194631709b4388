import Foundation
import Testing

/// Argument handling of the identity commands: refused with exit 64 before any request is sent.
@Suite("cairn identity argument parsing")
struct CLIIdentityArgumentTests {
    @Test(
        "bad usage exits 64 with a message",
        arguments: [
            ["users", "create"],
            ["users", "grant", "alice"],
            ["users", "grant", "alice", "superuser"],
            ["users", "grant", "alice", "editor", "--model", "m", "--prefix", "m-"],
            ["users", "revoke", "alice", "editor", "--prefix", ""],
            ["tokens", "create", "--expires-in", "5x"],
            ["tokens", "create", "--expires-in", "0d"],
            ["tokens", "create", "--expires-in", "-3h"],
            ["tokens", "create", "--expires-in", "99999d"],
            ["tokens", "revoke"],
            ["tokens", "revoke", "cairn_c2VjcmV0"],
        ]
    )
    func badUsage(_ arguments: [String]) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Error:") || result.stderr.contains("error:"))
        #expect(!result.stderr.contains("cairn_c2VjcmV0"))
    }

    @Test("users password refuses an empty password on standard input before contacting the server")
    func emptyPassword() async throws {
        for input in ["", "\n"] {
            let result = try await CLI.run(["users", "password", "alice"], stdin: Data(input.utf8))
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("empty"))
        }
    }

    @Test("help lists the identity commands and the token option")
    func help() async throws {
        let top = try await CLI.run(["--help"])
        for command in ["whoami", "users", "tokens", "--token", "CAIRN_TOKEN"] {
            #expect(top.stdout.contains(command), "\(command)")
        }
        let users = try await CLI.run(["users", "--help"])
        for command in ["create", "list", "show", "disable", "enable", "password", "grant", "revoke"] {
            #expect(users.stdout.contains(command), "\(command)")
        }
    }
}

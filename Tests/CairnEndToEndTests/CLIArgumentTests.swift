import Foundation
import Testing

/// Argument handling of the `cairn` binary: refused before any request is sent.
@Suite("cairn argument parsing")
struct CLIArgumentTests {
    @Test(
        "bad usage exits 64 with a message",
        arguments: [
            ["models", "create"],
            ["models", "create", "m", "--tag", "novalue"],
            ["models", "create", "m", "--tag", "a=1", "--tag", "a=2"],
            ["models", "tag", "m"],
            ["models", "list", "--limit", "0"],
            ["versions", "show", "m", "three"],
            ["alias", "set", "m", "champion"],
            ["push", "m", "/tmp", "--metric", "auc=high"],
            ["push", "m", "/tmp", "--dataset", "train="],
            ["push", "m", "/tmp", "--dataset", "train=a b"],
            ["pull", "models:/m/1"],
            ["pull", "not-a-uri", "-o", "/tmp/x"],
            ["resolve", "models:/m/"],
            ["--server", "ftp://host", "models", "list"],
        ]
    )
    func badUsage(_ arguments: [String]) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Error:") || result.stderr.contains("error:"))
    }

    @Test("help lists every client command")
    func help() async throws {
        let result = try await CLI.run(["--help"])
        #expect(result.status == 0)
        for command in ["serve", "models", "versions", "alias", "push", "pull", "resolve"] {
            #expect(result.stdout.contains(command))
        }
    }

    @Test("--server without a scheme means http; CAIRN_SERVER is the default")
    func serverOption() async throws {
        let viaOption = try await CLI.run(["models", "list", "--server", "127.0.0.1:9"])
        #expect(viaOption.stderr.contains("http://127.0.0.1:9"))
        let viaEnvironment = try await CLI.run(["models", "list"], server: "http://127.0.0.1:7")
        #expect(viaEnvironment.stderr.contains("http://127.0.0.1:7"))
    }
}

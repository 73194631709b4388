import CairnClient
import CairnWire
import Foundation
import Testing

/// The `cairn` client commands against a real `cairn serve` over a loopback socket.
@Suite("cairn client commands end to end", .serialized)
struct CLITests {
    /// A small model tree: nested directories, a unicode name with spaces, an empty file and a 3 MB file.
    static func makeModelTree() throws -> TempDirectory {
        let tree = try TempDirectory()
        var big = Data(count: 3_000_000)
        big.withUnsafeMutableBytes { bytes in
            for index in 0..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
        }
        try tree.write("weights.bin", big)
        try tree.write("MLmodel", Data("flavors:\n  python_function: {}\n".utf8))
        try tree.write("config/params.json", Data(#"{"lr": 0.1}"#.utf8))
        try tree.write("config/empty.txt", Data())
        try tree.write("tokenizer/vocab ünï 語.txt", Data("a\nb\nc\n".utf8))
        return tree
    }

    @Test("push, alias set, resolve --json and pull round-trip a tree byte for byte")
    func pushAliasResolvePull() async throws {
        try await ServerProcess.with { server in
            let tree = try Self.makeModelTree()
            let name = "fraud detector ☃"

            let created = try await CLI.run(["models", "create", name, "--description", "demo"], server: server.url)
            #expect(created.status == 0, "\(created.stderr)")

            let push = try await CLI.run(
                [
                    "push", name, tree.url.path, "--json", "--description", "first", "--tag", "team=risk",
                    "--param", "lr=0.1", "--metric", "auc=0.91", "--run-id", "run-1",
                ],
                server: server.url
            )
            #expect(push.status == 0, "\(push.stderr)")
            let version = try WireJSON.decoder().decode(VersionDTO.self, from: Data(push.stdout.utf8))
            #expect(version.version == 1)
            #expect(version.status == "READY")
            #expect(version.fileCount == 5)
            #expect(version.tags == ["team": "risk"])
            #expect(version.metrics == ["auc": 0.91])
            #expect(version.runId == "run-1")
            // stderr is a file here, not a terminal: one plain line per uploaded file.
            #expect(push.stderr.split(separator: "\n").filter { $0.hasPrefix("uploaded ") }.count == 5)
            #expect(!push.stderr.contains("\r"))

            let alias = try await CLI.run(["alias", "set", name, "champion", "1"], server: server.url)
            #expect(alias.status == 0, "\(alias.stderr)")

            let uri = "models:/\(name)@champion"
            let resolve = try await CLI.run(["resolve", uri, "--json"], server: server.url)
            #expect(resolve.status == 0, "\(resolve.stderr)")
            let resolved = try WireJSON.decoder().decode(ResolveDTO.self, from: Data(resolve.stdout.utf8))
            #expect(resolved.version.version == 1)
            #expect(resolved.manifest.sealed)
            #expect(Set(resolved.manifest.files.map(\.path)) == Set(try tree.tree().keys))

            let output = try TempDirectory()
            let pull = try await CLI.run(["pull", uri, "-o", output.url.path], server: server.url)
            #expect(pull.status == 0, "\(pull.stderr)")
            #expect(pull.stdout.contains("5 files"))
            #expect(try output.tree() == tree.tree())
        }
    }

    @Test("model commands print aligned tables, and JSON with --json")
    func modelCommands() async throws {
        try await ServerProcess.with { server in
            for name in ["alpha", "beta model", "gamma"] {
                let result = try await CLI.run(["models", "create", name, "--tag", "team=nlp"], server: server.url)
                #expect(result.status == 0, "\(result.stderr)")
            }
            let tagged = try await CLI.run(
                ["models", "tag", "gamma", "owner=ana", "--delete", "team"],
                server: server.url
            )
            #expect(tagged.status == 0, "\(tagged.stderr)")

            let list = try await CLI.run(["models", "list"], server: server.url)
            #expect(list.status == 0, "\(list.stderr)")
            let lines = list.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("NAME"))
            // Every row starts its second column where the header does.
            let column = try #require(lines[0].range(of: "LATEST")).lowerBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() {
                let prefix = String(line.prefix(column))
                #expect(prefix.hasSuffix(" "), "misaligned row: \(line)")
            }

            let filtered = try await CLI.run(
                ["models", "list", "--json", "--tag", "team=nlp", "--limit", "1", "--all"],
                server: server.url
            )
            #expect(filtered.status == 0, "\(filtered.stderr)")
            let page = try WireJSON.decoder().decode(ModelListDTO.self, from: Data(filtered.stdout.utf8))
            #expect(page.models.map(\.name) == ["alpha", "beta model"])

            let renamed = try await CLI.run(["--server", server.url, "models", "rename", "beta model", "delta"])
            #expect(renamed.status == 0, "\(renamed.stderr)")
            let shown = try await CLI.run(["models", "show", "delta", "--json"], server: server.url)
            let model = try WireJSON.decoder().decode(ModelDTO.self, from: Data(shown.stdout.utf8))
            #expect(model.tags == ["team": "nlp"])

            // Anonymous callers on loopback (maintainer: a single-user registry) may delete, as on a laptop MLflow.
            let deleted = try await CLI.run(["models", "delete", "delta"], server: server.url)
            #expect(deleted.status == 0, "\(deleted.stderr)")
            let gone = try await CLI.run(["models", "show", "delta"], server: server.url)
            #expect(gone.status == 1)
        }
    }

    @Test("a missing model is an error on stderr with exit status 1, and pull writes nothing")
    func missingModel() async throws {
        try await ServerProcess.with { server in
            for arguments in [
                ["models", "show", "nope"], ["versions", "list", "nope"], ["resolve", "models:/nope/1"],
            ] {
                let result = try await CLI.run(arguments, server: server.url)
                #expect(result.status == 1, "\(arguments)")
                #expect(result.stderr.hasPrefix("error: "), "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("nope"))
                #expect(result.stdout.isEmpty)
            }
            let scratch = try TempDirectory()
            let target = scratch.url.appendingPathComponent("out")
            let pull = try await CLI.run(["pull", "models:/nope@champion", "-o", target.path], server: server.url)
            #expect(pull.status == 1)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test("push refuses a symlink that leaves the directory and creates no version")
    func pushRefusesEscapingSymlink() async throws {
        try await ServerProcess.with { server in
            let tree = try Self.makeModelTree()
            let outside = try TempDirectory()
            let secret = try outside.write("secret.txt", Data("secret".utf8))
            try FileManager.default.createSymbolicLink(
                atPath: tree.url.appendingPathComponent("config/leak.txt").path,
                withDestinationPath: secret.path
            )
            let push = try await CLI.run(["push", "leaky", tree.url.path, "--create"], server: server.url)
            #expect(push.status == 2)
            #expect(push.stderr.contains("outside the pushed directory"), "\(push.stderr)")
            let versions = try await CLI.run(["versions", "list", "leaky", "--json"], server: server.url)
            // The directory is checked before anything is created: not even the model exists.
            #expect(versions.status == 1)
        }
    }

    @Test("versions list and show, and the SDK's single-file download leaves no partial file")
    func versionsAndDownload() async throws {
        try await ServerProcess.with { server in
            let tree = try Self.makeModelTree()
            for _ in 0..<2 {
                let push = try await CLI.run(["push", "m", tree.url.path, "--create"], server: server.url)
                #expect(push.status == 0, "\(push.stderr)")
            }
            let list = try await CLI.run(["versions", "list", "m"], server: server.url)
            #expect(list.status == 0, "\(list.stderr)")
            let rows = list.stdout.split(separator: "\n")
            #expect(rows.count == 3)
            #expect(rows[1].trimmingCharacters(in: .whitespaces).hasPrefix("2"), "newest first")

            let show = try await CLI.run(["versions", "show", "m", "1"], server: server.url)
            #expect(show.stdout.contains("weights.bin"))
            #expect(show.stdout.contains("READY"))

            let destination = try TempDirectory()
            let baseURL = try #require(URL(string: server.url))
            try await CairnClient.withClient(baseURL: baseURL) { client in
                let target = destination.url.appendingPathComponent("w.bin")
                let entry = try await client.downloadFile(model: "m", version: 2, path: "weights.bin", to: target)
                #expect(
                    try Data(contentsOf: target) == Data(contentsOf: tree.url.appendingPathComponent("weights.bin"))
                )
                #expect(entry.size == 3_000_000)
                let missing = await #expect(throws: CairnClientError.self) {
                    try await client.downloadFile(model: "m", version: 2, path: "nope.bin", to: target)
                }
                #expect(missing?.isNotFound == true)
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: destination.url.path)
            #expect(names == ["w.bin"])
        }
    }

    @Test("an unreachable server is named, with exit status 1")
    func unreachableServer() async throws {
        let result = try await CLI.run(["models", "list"], server: "http://127.0.0.1:9")
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot reach Cairn at http://127.0.0.1:9; is `cairn serve` running?\n")
    }
}

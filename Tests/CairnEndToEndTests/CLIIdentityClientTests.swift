import CairnWire
import Foundation
import NIOHTTP1
import Testing

@testable import CairnClient

/// The client's side of identity against a fake server: the bearer token on every kind of request, and what 401 and
/// 403 answers say. No real server needed.
@Suite("CairnClient identity against a fake server")
struct CLIIdentityClientTests {
    static let secret = "cairn_c2VjcmV0LXRva2VuLWZvci10ZXN0cy1vbmx5LW5vdC1yZWFs"

    static func json(_ text: String, status: Int = 200) -> FakeServer.Answer {
        FakeServer.Answer(status: HTTPResponseStatus(statusCode: status), body: Array(text.utf8))
    }

    /// A resolve answer for `models:/m/1` with one file `a.txt` holding `hello`, plus that file, a raw archive and an
    /// upload answer.
    static func transferAnswers() throws -> @Sendable (String) -> FakeServer.Answer? {
        let resolve = try CLIHostileServerTests.resolveBody([("a.txt", "hello")])
        let file = try WireJSON.encoder().encode(
            FileDTO(path: "up.txt", digest: CLIHostileServerTests.digest("up"), size: 2, mediaType: "text/plain")
        )
        return { path in
            switch path {
            case "/api/v1/resolve": FakeServer.Answer(body: resolve)
            case "/api/v1/models/m/versions/1/files/a.txt":
                FakeServer.Answer(contentType: "application/octet-stream", body: Array("hello".utf8))
            case "/api/v1/models/m/versions/1/files/up.txt": FakeServer.Answer(body: Array(file))
            case "/api/v1/models/m/versions/1/archive":
                FakeServer.Answer(contentType: "application/x-tar", body: Array(repeating: 0, count: 1024))
            default: nil
            }
        }
    }

    @Test("with a token, JSON calls, uploads, downloads, ranged reads and archives all carry it as a bearer")
    func bearerOnEveryRequest() async throws {
        let sandbox = try TempDirectory()
        let upload = try sandbox.write("up.txt", Data("up".utf8))
        try await FakeServer.with(try Self.transferAnswers()) { server in
            let url = try #require(URL(string: server.url))
            // Surrounding whitespace (a token read from a file) is not part of the token.
            try await CairnClient.withClient(baseURL: url, token: "  \(Self.secret)\n") { client in
                #expect(client.isAuthenticated)
                var dumped = ""
                dump(client, to: &dumped)
                #expect(!"\(client)".contains(Self.secret) && !dumped.contains(Self.secret))
                try await client.pull("models:/m/1", into: sandbox.url.appendingPathComponent("out"))
                _ = try await client.uploadFile(model: "m", version: 1, path: "up.txt", fileURL: upload)
                _ = try await client.fileContents(model: "m", version: 1, path: "a.txt", range: 0..<2)
                try await client.downloadArchive(model: "m", version: 1, to: sandbox.url.appendingPathComponent("t"))
            }
            let paths = server.requests
            #expect(paths.contains { $0.hasSuffix("/files/a.txt") })
            #expect(paths.contains { $0.hasSuffix("/files/up.txt") })
            #expect(paths.contains { $0.hasSuffix("/archive") })
            #expect(server.authorizations.count == paths.count)
            #expect(server.authorizations.allSatisfy { $0 == "Bearer \(Self.secret)" }, "\(server.authorizations)")
        }
    }

    @Test("without a token (or with a blank one) no Authorization header is sent")
    func noToken() async throws {
        try await FakeServer.with(try Self.transferAnswers()) { server in
            let url = try #require(URL(string: server.url))
            for token in [nil, "", "  \n"] as [String?] {
                try await CairnClient.withClient(baseURL: url, token: token) { client in
                    #expect(!client.isAuthenticated)
                    _ = try await client.resolve("models:/m/1")
                }
            }
            #expect(server.authorizations == [nil, nil, nil])
        }
    }

    @Test("a token that cannot be a header value is refused before anything is sent, and is not echoed")
    func unsendableToken() async throws {
        try await FakeServer.with(try Self.transferAnswers()) { server in
            let url = try #require(URL(string: server.url))
            let error = await #expect(throws: CairnClientError.self) {
                try await CairnClient.withClient(baseURL: url, token: "cairn_abc\r\nX-Evil: 1") { client in
                    _ = try await client.whoami()
                }
            }
            #expect(error?.code == CairnClientError.invalidArgument)
            #expect(error?.message.contains("cairn_abc") == false)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("401 says how to authenticate (with or without a token sent); 403 passes the server's message")
    func authErrors() {
        let body = Array(#"{"code":"UNAUTHENTICATED","message":"Authentication required"}"#.utf8)
        let anonymous = CairnClientError.fromResponse(status: 401, body: body, requestID: nil, tokenSent: false)
        #expect(anonymous.isUnauthenticated)
        #expect(anonymous.code == "UNAUTHENTICATED")
        #expect(anonymous.message.hasPrefix("Authentication required. "))
        #expect(anonymous.message.contains("--token") && anonymous.message.contains("CAIRN_TOKEN"))

        let refused = CairnClientError.fromResponse(status: 401, body: body, requestID: nil, tokenSent: true)
        #expect(refused.message.contains("refused") && refused.message.contains("revoked"))

        let bare = CairnClientError.fromResponse(status: 401, body: [], requestID: nil)
        #expect(bare.code == "UNAUTHENTICATED")
        #expect(bare.message.contains("CAIRN_TOKEN"))

        let denied = CairnClientError.fromResponse(
            status: 403,
            body: Array(#"{"code":"PERMISSION_DENIED","message":"editor on team-b-x is required."}"#.utf8),
            requestID: nil,
            tokenSent: true
        )
        #expect(denied.isPermissionDenied)
        #expect(!denied.isUnauthenticated)
        #expect(denied.message == "editor on team-b-x is required.")
    }

    @Test("the CLI reports a refused token with exit 1 and never prints it, from --token or CAIRN_TOKEN")
    func cliNeverEchoesToken() async throws {
        let refusal = Self.json(#"{"code":"UNAUTHENTICATED","message":"Invalid credentials."}"#, status: 401)
        try await FakeServer.with({ _ in refusal }) { server in
            let viaOption = try await CLI.run(["--token", Self.secret, "whoami"], server: server.url)
            let viaEnvironment = try await CLI.run(
                ["models", "list"],
                server: server.url,
                environment: ["CAIRN_TOKEN": Self.secret]
            )
            for result in [viaOption, viaEnvironment] {
                #expect(result.status == 1)
                #expect(result.stderr.contains("CAIRN_TOKEN"), "\(result.stderr)")
                #expect(!result.stderr.contains(Self.secret) && !result.stdout.contains(Self.secret))
            }
            #expect(server.authorizations == ["Bearer \(Self.secret)", "Bearer \(Self.secret)"])
        }
    }
}

import CairnAPI
import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Origin guard: DNS rebinding, cross-site writes and CORS")
struct OriginGuardTests {
    let loopback = OriginPolicy()

    func refused(_ policy: OriginPolicy, _ facts: OriginPolicy.RequestFacts) -> Bool {
        policy.refusal(facts) != nil
    }

    @Test(
        "a Host that is not a name of the server is refused, with or without a port",
        arguments: [
            "evil.example", "evil.example:5000", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1",
        ]
    )
    func foreignHosts(host: String) {
        #expect(refused(loopback, .init(method: "GET", host: host)))
        #expect(refused(loopback, .init(method: "POST", host: host)))
    }

    @Test(
        "loopback names and addresses, and the listen address, are served",
        arguments: [
            "localhost", "localhost:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000", "app.localhost", "LOCALHOST.",
        ]
    )
    func loopbackHosts(host: String) {
        #expect(!refused(loopback, .init(method: "POST", host: host)))
    }

    @Test("allowed hosts, wildcards, and IP literals on a wildcard listen address")
    func allowedHosts() {
        let policy = OriginPolicy(listenHost: "0.0.0.0", allowedHosts: ["registry.example.com", "*.corp.example"])
        #expect(!refused(policy, .init(method: "POST", host: "registry.example.com:443")))
        #expect(!refused(policy, .init(method: "POST", host: "ml.corp.example")))
        #expect(!refused(policy, .init(method: "POST", host: "10.1.2.3:5000")))
        #expect(!refused(policy, .init(method: "POST", host: "[2001:db8::1]:5000")))
        #expect(refused(policy, .init(method: "POST", host: "corp.example.evil.com")))
        #expect(refused(policy, .init(method: "POST", host: "evil.example")))
        #expect(!refused(OriginPolicy(allowedHosts: ["*"]), .init(method: "POST", host: "anything.example")))
        let bound = OriginPolicy(listenHost: "192.0.2.7")
        #expect(!refused(bound, .init(method: "POST", host: "192.0.2.7:5000")))
        #expect(refused(bound, .init(method: "POST", host: "192.0.2.8:5000")))
    }

    @Test("forwarded hosts count only from a trusted proxy")
    func forwardedHosts() {
        let policy = OriginPolicy(
            allowedHosts: ["registry.example.com"],
            trustedProxies: [IPNetwork(parsing: "10.0.0.0/8")!]
        )
        let spoofed = OriginPolicy.RequestFacts(
            method: "POST",
            host: "evil.example",
            forwardedHost: "localhost",
            forwarded: "host=localhost",
            peer: "203.0.113.9"
        )
        #expect(refused(policy, spoofed), "an untrusted peer's X-Forwarded-Host must not stand in for Host")
        #expect(
            refused(
                loopback,
                .init(method: "POST", host: "evil.example", forwardedHost: "localhost", peer: "127.0.0.1")
            )
        )
        let proxied = OriginPolicy.RequestFacts(
            method: "POST",
            host: "cairn-backend:5000",
            forwardedHost: "evil.example, registry.example.com",
            peer: "10.1.1.1"
        )
        #expect(!refused(policy, proxied), "the value the trusted proxy appended (the last) counts")
        var bad = proxied
        bad.forwardedHost = "registry.example.com, evil.example"
        #expect(refused(policy, bad))
        let rfc7239 = OriginPolicy.RequestFacts(
            method: "POST",
            host: "backend",
            forwarded: #"for=1.2.3.4;host=evil.example, for=5.6.7.8;host="registry.example.com""#,
            peer: "10.9.9.9"
        )
        #expect(!refused(policy, rfc7239))
    }

    @Test("state-changing requests from another origin are refused; reads, same-origin and non-browser clients pass")
    func origins() {
        let post = { (origin: String?, site: String?) in
            OriginPolicy.RequestFacts(method: "POST", host: "localhost:5000", origin: origin, secFetchSite: site)
        }
        #expect(refused(loopback, post("https://evil.example", nil)))
        #expect(refused(loopback, post("null", nil)), "Origin: null is cross-origin")
        #expect(refused(loopback, post("http://localhost:8080", nil)), "another port is another origin")
        #expect(refused(loopback, post("http://localhost:5000@evil.example", nil)))
        #expect(refused(loopback, post(nil, "cross-site")))
        #expect(refused(loopback, post(nil, "same-site")))
        #expect(!refused(loopback, post("http://localhost:5000", "same-origin")))
        #expect(!refused(loopback, post("HTTP://LOCALHOST:5000", nil)))
        #expect(!refused(loopback, post(nil, "none")))
        #expect(!refused(loopback, post(nil, nil)), "the CLI and the mlflow client send no Origin")
        #expect(!refused(loopback, .init(method: "GET", host: "localhost", origin: "https://evil.example")))
        for method in ["PUT", "PATCH", "DELETE"] {
            #expect(refused(loopback, .init(method: method, host: "localhost", origin: "https://evil.example")))
        }
        let cors = OriginPolicy(corsOrigins: ["https://ui.example.com"])
        #expect(!refused(cors, post("https://ui.example.com:443", nil)))
        #expect(refused(cors, post("https://ui.example.com:8443", nil)))
        #expect(cors.corsOrigin(for: "https://ui.example.com") == "https://ui.example.com")
        #expect(cors.corsOrigin(for: "https://evil.example") == nil)
    }

    @Test("a cross-origin write through either surface is refused with 403 and creates nothing")
    func crossOriginWritesCreateNothing() async throws {
        try await APIHarness.run(anonymous: .editor) { harness, client in
            let anonymous = (client as! AuthorizedClient).with(nil)
            let before = try decode(EventListDTO.self, try await client.send(.get, "/api/v1/events?limit=1000")).events
            for (uri, origin) in [
                ("/api/v1/models", "https://evil.example"), ("/api/2.0/mlflow/registered-models/create", "null"),
            ] {
                var headers = jsonHeaders
                headers[HTTPField.Name("Origin")!] = origin
                let response = try await anonymous.execute(
                    uri: uri,
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"name":"planted"}"#)
                )
                #expect(response.status == .forbidden, "\(uri)")
                #expect(String(buffer: response.body).contains("--cors-allowed-origins"))
            }
            var formHeaders: HTTPFields = [.contentType: "text/plain;charset=UTF-8"]
            formHeaders[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let simple = try await anonymous.execute(
                uri: "/api/2.0/mlflow/registered-models/create",
                method: .post,
                headers: formHeaders,
                body: ByteBuffer(string: #"{"name":"planted"}"#)
            )
            #expect(simple.status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/models/planted").status == .notFound)
            let after = try decode(EventListDTO.self, try await client.send(.get, "/api/v1/events?limit=1000")).events
            #expect(after == before, "a refused request changed the event log")
        }
    }

    @Test(
        "JSON routes refuse non-JSON content types, also the ones a cross-site form may send",
        arguments: [
            "text/plain", "text/plain; x=json", "application/x-www-form-urlencoded", "multipart/form-data",
            "application/jsonp", "application/json-seq",
        ]
    )
    func nonJSONContentTypes(contentType: String) async throws {
        try await APIHarness.run { _, client in
            let headers: HTTPFields = [.contentType: contentType]
            let native = try await client.execute(
                uri: "/api/v1/models",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: #"{"name":"planted"}"#)
            )
            #expect(native.status == .unsupportedMediaType)
            let mlflow = try await client.execute(
                uri: "/api/2.0/mlflow/registered-models/create",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: #"{"name":"planted"}"#)
            )
            #expect(mlflow.status == .badRequest && String(buffer: mlflow.body).contains("Content-Type"))
            #expect(try await client.send(.get, "/api/v1/models/planted").status == .notFound)
        }
        #expect(JSONMediaType.matches("application/json; charset=utf-8"))
        #expect(JSONMediaType.matches("application/merge-patch+json"))
    }

    @Test("CORS: off by default; a configured origin gets preflights and CORS headers, others none")
    func cors() async throws {
        try await APIHarness.run(anonymous: .editor) { _, client in
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("Origin")!] = "https://ui.example.com"
            headers[HTTPField.Name("Access-Control-Request-Method")!] = "POST"
            let preflight = try await client.execute(uri: "/api/v1/models", method: .options, headers: headers)
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        }
        try await APIHarness.run(anonymous: .editor, origins: OriginPolicy(corsOrigins: ["https://ui.example.com"])) {
            _,
            client in
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("Origin")!] = "https://ui.example.com"
            headers[HTTPField.Name("Access-Control-Request-Method")!] = "POST"
            let preflight = try await client.execute(uri: "/api/v1/models", method: .options, headers: headers)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "https://ui.example.com")
            var post = jsonHeaders
            post[HTTPField.Name("Origin")!] = "https://ui.example.com"
            let created = try await client.execute(
                uri: "/api/v1/models",
                method: .post,
                headers: post,
                body: ByteBuffer(string: #"{"name":"from-ui"}"#)
            )
            #expect(created.status == .created)
            #expect(created.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "https://ui.example.com")
            post[HTTPField.Name("Origin")!] = "https://evil.example"
            let refused = try await client.execute(
                uri: "/api/v1/models",
                method: .post,
                headers: post,
                body: ByteBuffer(string: #"{"name":"from-evil"}"#)
            )
            #expect(refused.status == .forbidden)
            #expect(refused.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        }
    }
}

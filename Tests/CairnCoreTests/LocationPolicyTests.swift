import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Stored locations: server paths and internal addresses are refused")
struct LocationPolicyTests {
    @Test(
        "every notation of the metadata address parses to 169.254.169.254",
        arguments: [
            "169.254.169.254", "2852039166", "0xA9FEA9FE", "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376",
            "169.254.43518", "169.16689662", "0251.254.169.254", "169.254.169.254.", "0x00a9.254.0251.0xFE",
        ]
    )
    func ipv4Notations(text: String) {
        #expect(IPAddress(parsing: text) == .v4(0xA9FE_A9FE))
    }

    @Test(
        "IPv6 literals, bracketed or not, with zones and IPv4 tails",
        arguments: [
            ("::1", "0:0:0:0:0:0:0:1"), ("[::1]", "0:0:0:0:0:0:0:1"), ("fd00:ec2::254", "fd00:ec2:0:0:0:0:0:254"),
            ("[fe80::1%25eth0]", "fe80:0:0:0:0:0:0:1"), ("::ffff:169.254.169.254", "0:0:0:0:0:ffff:a9fe:a9fe"),
            ("2001:db8::", "2001:db8:0:0:0:0:0:0"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ]
    )
    func ipv6Notations(text: String, expected: String) {
        #expect(IPAddress(parsing: text)?.description == expected)
    }

    @Test(
        "what is not an address stays a name",
        arguments: [
            "example.com", "1.2.3.4.5", "256.1.1.1", "0x1g", "", ":::", "1::2::3", "[::1", "4294967296", "1.2.3.0400",
            "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "1.2.3.٣",
        ]
    )
    func notAddresses(text: String) {
        #expect(IPAddress(parsing: text) == nil)
    }

    @Test(
        "internal addresses are refused in every notation and through every embedding",
        arguments: [
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest", "http://10.0.0.1/m",
            "http://192.168.0.1/m", "http://100.100.100.200/latest", "http://172.16.5.4/", "http://127.0.0.1:5000/x",
            "http://2852039166/", "http://0xA9FEA9FE/", "http://0251.0376.0251.0376/", "http://169.254.43518/",
            "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:a9fe:a9fe::1]/", "http://[::1]/", "http://[fe80::1%25eth0]/", "http://0/", "http://0.0.0.0/",
            "https://user:pw@169.254.169.254/", "http://169.254.169.254./", "HTTP://LOCALHOST/", "http://localhost./",
            "http://metadata.google.internal/computeMetadata/v1/", "http://metadata/", "http://minio:9000/bucket",
            "http://foo.localhost/", "http:169.254.169.254/", "http:/169.254.169.254/", "http:\\\\169.254.169.254/",
            "http://%31%36%39.254.169.254/", "http://１６９.２５４.１６９.２５４/", "http://169。254。169。254/",
            "mlflow-artifacts://169.254.169.254/0/abc", "ftp://10.1.2.3/model", "http://168.63.129.16/",
            "http://1.2.3.999/",
        ]
    )
    func internalRefused(location: String) {
        let error = expectInvalid { try LocationPolicy().check(location, field: "source") }
        #expect(error?.message.contains("'source' points at") == true)
        #expect(error?.message.contains("--allowed-internal-sources") == true)
    }

    @Test(
        "paths on the server get one fixed answer that never echoes the path",
        arguments: [
            "/etc/passwd", "/nonexistent", "file:///etc/passwd", "FILE:/etc/shadow", "file://localhost/etc/hosts",
            "~/model", "./model", "../../etc", "C:\\models\\m", "c:/models", "\\\\server\\share", " /etc/passwd",
        ]
    )
    func serverPathsRefused(location: String) {
        let error = expectInvalid { try LocationPolicy().check(location, field: "source") }
        #expect(error?.message.hasPrefix("'source' names a path on the server's file system") == true)
        #expect(error?.message.contains("etc") == false)
    }

    @Test(
        "public, bucket-style and Cairn's own URIs pass",
        arguments: [
            "https://example.com/models/m.tar.gz", "s3://my-bucket/models/1", "gs://bucket/path", "s3://10.0.0.1/x",
            "runs:/abc/model", "models:/fraud/3", "models:/m-0123", "mlflow-artifacts:/0/run/artifacts/model",
            "dummy-source", "model/dir", "http://8.8.8.8/", "http://[2606:4700::1111]/", "wasbs://c@acct.blob.x/p",
            "",
        ]
    )
    func publicAccepted(location: String) throws {
        try LocationPolicy().check(location, field: "source")
    }

    @Test("an admin's allowance lets chosen internal networks and hosts through, and nothing else")
    func allowances() throws {
        let policy = try LocationPolicy(allowing: ["10.0.0.0/8", "minio", " Models.Internal "])
        try policy.check("http://10.1.2.3/m", field: "source")
        try policy.check("http://[::ffff:10.1.2.3]/m", field: "source")
        try policy.check("http://minio:9000/bucket/m", field: "source")
        try policy.check("https://models.internal/x", field: "source")
        _ = expectInvalid { try policy.check("http://169.254.169.254/", field: "source") }
        _ = expectInvalid { try policy.check("http://192.168.1.1/", field: "source") }
        _ = expectInvalid { try policy.check("/etc/passwd", field: "source") }
        _ = expectInvalid { try LocationPolicy(allowing: ["10.0.0.0/33"]) }
        _ = expectInvalid { try LocationPolicy(allowing: ["bad host!"]) }
    }

    @Test("registering a version from a refused source creates nothing, whatever exists on disk")
    func registrationRefusesAndWritesNothing() async throws {
        let service = makeService()
        _ = try await service.catalog.createModel(name: "m", actor: alice)
        let canary = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-canary-\(UUID().uuidString)")
        try Data("secret".utf8).write(to: canary)
        defer { try? FileManager.default.removeItem(at: canary) }
        var messages: Set<String> = []
        for source in [canary.path, canary.path + ".missing", "file://" + canary.path, "file:///nonexistent"] {
            let error = await expectRegistryError(.invalidArgument) {
                try await service.catalog.registerVersion(
                    modelName: "m",
                    source: source,
                    runID: nil,
                    runLink: nil,
                    description: "",
                    tags: [:],
                    actor: alice
                )
            }
            messages.insert(error?.message ?? "")
        }
        #expect(messages.count == 1, "one answer whatever exists: \(messages)")
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.createExperiment(
                name: "e",
                artifactLocation: "http://169.254.169.254/",
                actor: alice
            )
        }
        let versions = try await service.catalog.listVersions(modelName: "m", actor: alice)
        #expect(versions.items.isEmpty)
        #expect(String(decoding: try Data(contentsOf: canary), as: UTF8.self) == "secret")
    }
}

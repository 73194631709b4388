import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Paths and methods no route serves: always a 4xx (the client retries 5xx for minutes), never a 5xx.
@Suite("MLflow routing edges")
struct MLflowRoutingTests {
    static let probes: [(HTTPRequest.Method, String)] = [
        (.post, api("registered-models/get")), (.get, api("runs/create")), (.put, api("experiments/create")),
        (.get, api("nope")), (.post, "/api/2.0/mlflow-artifacts/mpu/create"), (.get, "/api/3.0/mlflow/server-features"),
        (.patch, "/api/2.0/mlflow-artifacts/artifacts/1/x"), (.get, api("logged-models/search")),
        (.put, "/api/2.0/mlflow-artifacts/mpu/part/0123"), (.get, "/api/2.0/mlflow-artifacts/mpu"),
        (.post, "/api/2.0/mlflow-artifacts/mpu/abort"), (.get, api("registered-models")),
    ]

    @Test("unserved method/path pairs answer 4xx with an error_code")
    func unserved() async throws {
        try await MLflowHarness.run { _, client in
            for (method, uri) in Self.probes {
                let reply = try await client.raw(method, uri, headers: [.contentType: "application/json"], body: "{}")
                #expect((400..<500).contains(reply.status), "\(method) \(uri): \(reply.status) \(reply.text)")
                #expect(reply.errorCode != nil, "\(method) \(uri): \(reply.text)")
            }
        }
    }
}

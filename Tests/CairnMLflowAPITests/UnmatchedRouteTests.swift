import CairnHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A request no route matches is answered by the surface claiming its path, in that surface's shape, without any
/// catch-all routes: MLflow's prefixes get MLflow's error body, everything else the native one.
@Suite("Unmatched routes answer in the shape of the surface that claims them")
struct UnmatchedRouteTests {
    @Test("MLflow paths: unknown is 404 ENDPOINT_NOT_FOUND, a served path with another method 405, in MLflow's shape")
    func mlflowShape() async throws {
        try await MLflowHarness.run { harness, client in
            let auth: HTTPFields = [.authorization: "Bearer \(harness.adminToken)"]
            let unknown = try await client.raw(.get, "/api/2.0/mlflow/nothing/here", headers: auth)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "ENDPOINT_NOT_FOUND")
            #expect(Set(unknown.json.keys) == ["error_code", "message"])
            #expect(unknown.headers[RequestIDMiddleware.header] != nil)
            // A branch of a served path (`mpu/create` without its tail) is MLflow's too, not the native API's.
            let branch = try await client.raw(.post, "/api/2.0/mlflow-artifacts/mpu/create", headers: auth, body: "{}")
            #expect(branch.status == 404 && branch.errorCode == "ENDPOINT_NOT_FOUND", "\(branch.text)")
            let wrongMethod = try await client.raw(.get, "/api/2.0/mlflow/runs/create", headers: auth)
            #expect(wrongMethod.status == 405, "\(wrongMethod.text)")
            #expect(wrongMethod.message.contains("use POST"))
            #expect(Set(wrongMethod.json.keys) == ["error_code", "message"])
            let genAI = try await client.raw(.post, "/api/2.0/mlflow/traces/search", headers: auth, body: "{}")
            #expect(genAI.status == 404 && genAI.message.contains("out of its scope"))
        }
    }

    @Test("native paths get the native shape; refused credentials answer 401 first, on any surface")
    func nativeShapeAndCredentials() async throws {
        try await MLflowHarness.run { harness, client in
            let native = try await client.raw(
                .get,
                "/api/v1/nothing",
                headers: [.authorization: "Bearer \(harness.adminToken)"]
            )
            #expect(native.status == 404)
            #expect(native.json["code"] as? String == "NOT_FOUND", "\(native.text)")
            for path in ["/api/v1/nothing", "/api/2.0/mlflow/nothing"] {
                let refused = try await client.raw(.get, path, headers: [.authorization: "Bearer not-a-token"])
                #expect(refused.status == 401, "\(path): \(refused.text)")
            }
        }
    }
}

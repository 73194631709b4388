import CairnAPI
import CairnCore
import CairnHTTP
import CairnSQLite
import CairnServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route the server registers has an authorization rule, and every rule belongs to a registered route.
@Suite("Route rules")
struct RouteRuleTests {
    @Test("every route of the full router (native, MLflow, health) maps to exactly one rule, and back")
    func completeness() async throws {
        let harness = try await APIHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.root) }
        let router = CairnServer.makeRouter(service: harness.service)
        let served = router.routes.map { "\($0.method.rawValue) \($0.path)" }
        let table = CairnServer.routeRules.map { "\($0.method) \(RouterPath($0.path))" }
        #expect(Set(served).count == served.count, "a route is registered twice")
        #expect(Set(table).count == table.count, "a route has two rules")
        #expect(
            Set(served) == Set(table),
            "served without a rule: \(Set(served).subtracting(table).sorted()); ruled but not served: \(Set(table).subtracting(served).sorted())"
        )
        // The surfaces are all there: native, identity, MLflow operations, health.
        for key in [
            "GET /healthz", "GET /api/v1/whoami", "POST /api/v1/accounts", "DELETE /api/v1/tokens/{id}",
            "POST /api/2.0/mlflow/runs/create", "PUT /api/2.0/mlflow-artifacts/artifacts/**", "GET /health",
        ] {
            #expect(table.contains(key), "\(key)")
        }
        // No surface registers catch-all routes to keep another's error shape out: a request no route matches is
        // answered by the surface claiming its path (UnmatchedRouteMiddleware).
        #expect(!table.contains("GET /api/2.0/mlflow/**"))
        await harness.store.close()
    }

    @Test("only health, version, the OpenAPI document, server info and who-am-I are public")
    func publicRoutes() {
        let rules = CairnServer.routeRules
        let guardedPaths = Set(rules.filter { $0.rule != .public }.map(\.path))
        let operations = Set(rules.filter { $0.rule == .public }.map { "\($0.method) \($0.path)" })
        #expect(!guardedPaths.isEmpty)
        #expect(
            operations
                == [
                    "GET /healthz", "GET /api/v1/openapi.json", "GET /api/v1/whoami", "GET /health", "GET /version",
                    "GET /api/3.0/mlflow/server-info",
                ]
        )
        let keys = rules.map { "\($0.method) \($0.path)" }
        #expect(Set(keys).count == keys.count, "one route, one rule")
    }

    @Test(
        "reads need read, edits write, hard deletes delete, accounts, policies and webhooks administer, requests approve"
    )
    func coarseActions() {
        for route in CairnServer.routeRules {
            let key = "\(route.method) \(route.path)"
            switch route.rule {
            case .requires(.read):
                #expect(
                    route.method == "GET" || key.contains("search") || key.contains("latest")
                        || key.hasSuffix("/deployments/:host"),
                    "\(key)"
                )
            case .requires(.delete): #expect(route.method == "DELETE", "\(key)")
            case .requires(.administer):
                #expect(
                    key.contains("/api/v1/accounts") || key.contains("/policies/") || key.hasSuffix("/policy")
                        || key.hasPrefix("\(route.method) /api/v1/webhooks")
                        || key.hasPrefix("\(route.method) /api/v1/deliveries")
                        || key.hasPrefix("\(route.method) /api/2.0/mlflow/webhooks"),
                    "\(key)"
                )
            case .requires(.approve):
                #expect(key.hasSuffix("/requests/:id/approve") || key.hasSuffix("/requests/:id/reject"), "\(key)")
            case .authenticated: #expect(key.contains("/accounts/:name") || key.contains("/tokens/"), "\(key)")
            case .partToken: #expect(key == "PUT /api/2.0/mlflow-artifacts/mpu/part/:upload_id/:part_number", "\(key)")
            case .requires(.write), .public: continue
            }
        }
    }

    @Test("the OpenAPI document states each operation's rule and documents 401/403 on guarded ones")
    func documented() async throws {
        try await APIHarness.run { _, client in
            let response = try await client.send(.get, "/api/v1/openapi.json")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            )
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            let whoami = try #require(paths["/api/v1/whoami"]?["get"])
            #expect(whoami["x-cairn-rule"] as? String == "public")
            let delete = try #require(paths["/api/v1/models/{name}"]?["delete"])
            #expect(delete["x-cairn-rule"] as? String == "requires(delete)")
            let responses = try #require(delete["responses"] as? [String: Any])
            #expect(responses["401"] != nil && responses["403"] != nil)
            let components = try #require(document["components"] as? [String: Any])
            #expect((components["securitySchemes"] as? [String: Any])?.keys.sorted() == ["basic", "bearer"])
        }
    }
}

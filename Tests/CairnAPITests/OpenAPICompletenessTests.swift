import CairnAPI
import CairnSQLite
import CairnServer
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("OpenAPI document")
struct OpenAPICompletenessTests {
    /// `{path}` → `**`, as the router describes its routes.
    static func routerForm(_ path: String) -> String {
        path.replacingOccurrences(of: "{path}", with: "**")
    }

    @Test("every route the router serves is documented, and every documented route is served")
    func routesMatchDocument() async throws {
        let harness = try await APIHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.root) }
        let router = CairnServer.makeRouter(service: harness.service)
        // The native surface: /api/v1 and the server's own /healthz (the MLflow surface is MLflow's wire format).
        let served = Set(
            router.routes.map { "\($0.method.rawValue) \($0.path)" }
                .filter { $0.contains(" /api/v1") || $0.hasSuffix(" /healthz") }
        )
        let documented = Set(NativeAPI.documentedOperations.map { "\($0.method) \(Self.routerForm($0.path))" })
        #expect(
            served == documented,
            "served but undocumented: \(served.subtracting(documented)); documented but not served: \(documented.subtracting(served))"
        )
        #expect(served.count >= 27)
        await harness.store.close()
    }

    @Test("the served document is OpenAPI 3.1 and lists every operation with its responses")
    func servedDocument() async throws {
        try await APIHarness.run { _, client in
            let response = try await client.send(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            )
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var operationIDs = Set<String>()
            for (method, path) in NativeAPI.documentedOperations {
                let operation = try #require(paths[path]?[method.lowercased()] as? [String: Any], "\(method) \(path)")
                operationIDs.insert(try #require(operation["operationId"] as? String))
                #expect((operation["responses"] as? [String: Any])?.isEmpty == false)
            }
            #expect(operationIDs.count == NativeAPI.documentedOperations.count, "operation ids must be unique")
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = String(buffer: response.body)
            for match in text.matches(of: /#\/components\/schemas\/([A-Za-z]+)/) {
                #expect(schemas[String(match.1)] != nil, "dangling $ref to \(match.1)")
            }
        }
    }

    @Test("every field a response carries is declared in its schema")
    func schemasCoverResponses() async throws {
        try await APIHarness.run { _, client in
            let version = try await client.seed(model: "schema-check")
            let document =
                try JSONSerialization.jsonObject(
                    with: Data(try await client.send(.get, "/api/v1/openapi.json").body.readableBytesView)
                ) as! [String: Any]
            let schemas = (document["components"] as! [String: Any])["schemas"] as! [String: Any]
            func check(_ uri: String, _ schema: String) async throws {
                let response = try await client.send(.get, uri)
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                )
                let properties = try #require((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])
                for key in object.keys { #expect(properties[key] != nil, "\(schema) lacks '\(key)' (seen at \(uri))") }
            }
            try await check("/api/v1/models/schema-check", "Model")
            try await check("/api/v1/models/schema-check/versions/\(version.version)", "Version")
            try await check("/api/v1/models/schema-check/versions/\(version.version)/files", "Manifest")
            try await check("/api/v1/resolve?uri=models:/schema-check/latest", "Resolve")
            try await check("/api/v1/models?limit=1", "ModelList")
            try await check("/api/v1/models/nope", "Error")
            try await check("/healthz", "Health")
        }
    }

    @Test("every field of the governance responses, nested ones included, is declared in its schema")
    func governanceSchemasCoverResponses() async throws {
        try await APIHarness.run { _, client in
            let version = try await client.seed(model: "gov-schema")
            let base = "/api/v1/models/gov-schema"
            let document =
                try JSONSerialization.jsonObject(
                    with: Data(try await client.send(.get, "/api/v1/openapi.json").body.readableBytesView)
                ) as! [String: Any]
            let schemas = (document["components"] as! [String: Any])["schemas"] as! [String: Any]
            /// Walks `value` against `schema`, following `$ref`, `oneOf`, object properties, maps and arrays.
            func walk(_ value: Any, _ schema: [String: Any], _ path: String) {
                if let ref = schema["$ref"] as? String {
                    let name = String(ref.split(separator: "/").last!)
                    return walk(value, schemas[name] as? [String: Any] ?? [:], path)
                }
                if let options = schema["oneOf"] as? [[String: Any]] {
                    if value is NSNull { return }
                    if let first = options.first(where: { $0["type"] as? String != "null" }) {
                        walk(value, first, path)
                    }
                    return
                }
                if let object = value as? [String: Any] {
                    if let properties = schema["properties"] as? [String: Any] {
                        for (key, item) in object {
                            guard let inner = properties[key] as? [String: Any] else {
                                Issue.record("\(path) has '\(key)', which its schema does not declare")
                                continue
                            }
                            walk(item, inner, path + "." + key)
                        }
                    } else if let inner = schema["additionalProperties"] as? [String: Any] {
                        for (key, item) in object { walk(item, inner, path + "." + key) }
                    }
                } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
                    for (index, item) in array.enumerated() { walk(item, items, path + "[\(index)]") }
                }
            }
            func check(_ uri: String, _ schema: String, method: HTTPRequest.Method = .get, json: String? = nil)
                async throws -> [String: Any]
            {
                let response = try await client.send(method, uri, json: json)
                #expect(response.status.code < 300, "\(uri): \(String(buffer: response.body))")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                )
                walk(object, try #require(schemas[schema] as? [String: Any]), schema)
                return object
            }
            let policy =
                #"{"stages": {"Production": {"approvals": 1, "gates": {"metrics": ["auc >= 0"], "tags": ["k"]}}}, "aliases": {"champion": {"approvals": 0}}}"#
            _ = try await check(base + "/policy", "Policy", method: .put, json: policy)
            _ = try await check(base + "/policy", "Policy")
            _ = try await check("/api/v1/policies/default", "Policy")
            _ = try await check(
                base + "/versions/\(version.version)/card",
                "ModelCard",
                method: .put,
                json: #"{"card": {"intended_use": "x", "fairness_metrics": {"dp": 0.1}}}"#
            )
            _ = try await check(
                base + "/versions/\(version.version)/tags/k",
                "Version",
                method: .put,
                json: #"{"value": "v"}"#
            )
            let aliased = try await check(
                base + "/versions/\(version.version)/promote",
                "TransitionOutcome",
                method: .post,
                json: #"{"alias": "champion"}"#
            )
            #expect(aliased["applied"] as? Bool == true)
            let blocked = try await client.send(
                .post,
                base + "/versions/\(version.version)/promote",
                json: #"{"stage": "Production"}"#
            )
            #expect(blocked.status == .conflict, "no metric auc: the gate fails")
            _ = try await check(
                base + "/versions/\(version.version)/promote",
                "TransitionOutcome",
                method: .post,
                json: #"{"stage": "Staging"}"#
            )
            _ = try await check("/api/v1/requests?model=gov-schema", "TransitionRequestList")
            _ = try await check(base + "/versions/\(version.version)/card", "ModelCard")
            _ = try await check(base + "/history", "StageHistory")
            _ = try await check("/api/v1/provenance?uri=models:/gov-schema@champion", "Provenance")
            _ = try await check("/api/v1/audit/events?model=gov-schema&limit=5", "AuditLog")
            let head = try await check("/api/v1/audit/head", "ChainHead")
            _ = try await check(
                "/api/v1/audit/verify?head_sequence=\(head["sequence"]!)&head_hash=\(head["hash"]!)",
                "AuditVerification"
            )
            let rolled = try await client.send(.post, base + "/rollback", json: #"{"reason": "r"}"#)
            #expect(rolled.status == .conflict, "nothing was in Production before")
        }
    }
}

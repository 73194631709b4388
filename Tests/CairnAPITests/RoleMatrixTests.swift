import CairnAPI
import CairnCore
import CairnHTTP
import CairnSQLite
import CairnServer
import CairnTesting
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every native route × every kind of caller: allowed → not 401/403, denied → 401 with `WWW-Authenticate`
/// (anonymous) or 403 naming the needed role (accounts).
@Suite("Role matrix: native API")
struct RoleMatrixTests {
    /// The request each route gets from column `c`, keyed like ``NativeAPI/routeRules`` (`METHOD router-path`).
    /// Every column works on its own fixtures (`m-<column>`), so one column's deletes never affect another's.
    static func probe(_ key: String, _ c: Caller, _ accounts: MatrixAccounts) -> Probe? {
        let m = "/api/v1/models/m-\(c.rawValue)"
        let me = "/api/v1/accounts/\(c.accountName)"
        let grant = #"{"role":"viewer","scope":"model","target":"m-x"}"#
        let probes: [String: Probe] = [
            "GET /healthz": Probe(uri: "/healthz"),
            "GET /api/v1/openapi.json": Probe(uri: "/api/v1/openapi.json"),
            "POST /api/v1/models": Probe(uri: "/api/v1/models", body: #"{"name":"new-\#(c.rawValue)"}"#),
            "GET /api/v1/models": Probe(uri: "/api/v1/models"),
            "GET /api/v1/models/:name": Probe(uri: m),
            "PATCH /api/v1/models/:name": Probe(uri: m, body: #"{"description":"d"}"#),
            "DELETE /api/v1/models/:name": Probe(uri: m),
            "POST /api/v1/models/:name/rename": Probe(
                uri: "/api/v1/models/r-\(c.rawValue)/rename",
                body: #"{"new_name":"renamed-\#(c.rawValue)"}"#
            ),
            "PUT /api/v1/models/:name/tags/:key": Probe(uri: m + "/tags/k", body: #"{"value":"v"}"#),
            "DELETE /api/v1/models/:name/tags/:key": Probe(uri: m + "/tags/k"),
            "POST /api/v1/models/:name/versions": Probe(uri: m + "/versions", body: "{}"),
            "GET /api/v1/models/:name/versions": Probe(uri: m + "/versions"),
            "GET /api/v1/models/:name/versions/:version": Probe(uri: m + "/versions/1"),
            "PATCH /api/v1/models/:name/versions/:version": Probe(
                uri: m + "/versions/1",
                body: #"{"description":"d"}"#
            ),
            "DELETE /api/v1/models/:name/versions/:version": Probe(uri: m + "/versions/2"),
            "PUT /api/v1/models/:name/versions/:version/tags/:key": Probe(
                uri: m + "/versions/1/tags/k",
                body: #"{"value":"v"}"#
            ),
            "DELETE /api/v1/models/:name/versions/:version/tags/:key": Probe(uri: m + "/versions/1/tags/k"),
            "POST /api/v1/models/:name/versions/:version/finalize": Probe(uri: m + "/versions/2/finalize"),
            "PUT /api/v1/models/:name/versions/:version/files/**": Probe(
                uri: m + "/versions/3/files/x.bin",
                body: "bytes",
                contentType: "application/octet-stream"
            ),
            "GET /api/v1/models/:name/versions/:version/files": Probe(uri: m + "/versions/1/files"),
            "GET /api/v1/models/:name/versions/:version/files/**": Probe(uri: m + "/versions/1/files/model.bin"),
            "GET /api/v1/models/:name/versions/:version/archive": Probe(uri: m + "/versions/1/archive"),
            "GET /api/v1/models/:name/aliases": Probe(uri: m + "/aliases"),
            "PUT /api/v1/models/:name/aliases/:alias": Probe(uri: m + "/aliases/champion", body: #"{"version":1}"#),
            "DELETE /api/v1/models/:name/aliases/:alias": Probe(uri: m + "/aliases/champion"),
            "GET /api/v1/resolve": Probe(uri: "/api/v1/resolve?uri=models:/m-\(c.rawValue)/1"),
            "GET /api/v1/events": Probe(uri: "/api/v1/events?after=0"),
            "GET /api/v1/whoami": Probe(uri: "/api/v1/whoami"),
            "POST /api/v1/accounts": Probe(uri: "/api/v1/accounts", body: #"{"name":"new-\#(c.rawValue)"}"#),
            "GET /api/v1/accounts": Probe(uri: "/api/v1/accounts"),
            "GET /api/v1/accounts/:name": Probe(uri: me),
            "POST /api/v1/accounts/:name/disable": Probe(uri: "/api/v1/accounts/target/disable"),
            "POST /api/v1/accounts/:name/enable": Probe(uri: "/api/v1/accounts/target/enable"),
            "PUT /api/v1/accounts/:name/password": Probe(
                uri: me + "/password",
                body: #"{"password":"a long passphrase","current_password":"the current passphrase"}"#
            ),
            "GET /api/v1/accounts/:name/grants": Probe(uri: me + "/grants"),
            "POST /api/v1/accounts/:name/grants": Probe(uri: "/api/v1/accounts/target/grants", body: grant),
            "POST /api/v1/accounts/:name/grants/revoke": Probe(
                uri: "/api/v1/accounts/target/grants/revoke",
                body: grant
            ),
            "POST /api/v1/accounts/:name/tokens": Probe(uri: me + "/tokens", body: #"{"description":"matrix"}"#),
            "GET /api/v1/accounts/:name/tokens": Probe(uri: me + "/tokens"),
            "DELETE /api/v1/tokens/:id": Probe(uri: "/api/v1/tokens/\(accounts.spareTokens[c.accountName] ?? "none")"),
        ]
        return probes[key] ?? governanceProbe(key, c)
    }

    /// Governance routes; ids of requests that do not exist answer 404 to callers the rule lets through.
    static func governanceProbe(_ key: String, _ c: Caller) -> Probe? {
        let m = "/api/v1/models/m-\(c.rawValue)"
        let request = "/api/v1/requests/no-such-request"
        let probes: [String: Probe] = [
            "GET /api/v1/policies/default": Probe(uri: "/api/v1/policies/default"),
            "PUT /api/v1/policies/default": Probe(uri: "/api/v1/policies/default", body: "{}"),
            "DELETE /api/v1/policies/default": Probe(uri: "/api/v1/policies/default"),
            "GET /api/v1/models/:name/policy": Probe(uri: m + "/policy"),
            "PUT /api/v1/models/:name/policy": Probe(uri: m + "/policy", body: "{}"),
            "DELETE /api/v1/models/:name/policy": Probe(uri: m + "/policy"),
            "POST /api/v1/models/:name/versions/:version/promote": Probe(
                uri: m + "/versions/1/promote",
                body: #"{"stage":"Staging"}"#
            ),
            "GET /api/v1/requests": Probe(uri: "/api/v1/requests?state=pending"),
            "GET /api/v1/requests/:id": Probe(uri: request),
            "POST /api/v1/requests/:id/approve": Probe(uri: request + "/approve", body: "{}"),
            "POST /api/v1/requests/:id/reject": Probe(uri: request + "/reject", body: #"{"comment":"no"}"#),
            "POST /api/v1/requests/:id/cancel": Probe(uri: request + "/cancel", body: "{}"),
            "POST /api/v1/models/:name/rollback": Probe(uri: m + "/rollback", body: #"{"reason":"r"}"#),
            "GET /api/v1/models/:name/versions/:version/card": Probe(uri: m + "/versions/1/card"),
            "PUT /api/v1/models/:name/versions/:version/card": Probe(
                uri: m + "/versions/1/card",
                body: #"{"card":{"intended_use":"u"}}"#
            ),
            "GET /api/v1/models/:name/history": Probe(uri: m + "/history"),
            "GET /api/v1/provenance": Probe(uri: "/api/v1/provenance?uri=models:/m-\(c.rawValue)/1"),
            "GET /api/v1/audit/events": Probe(uri: "/api/v1/audit/events?action=model"),
            "GET /api/v1/audit/head": Probe(uri: "/api/v1/audit/head"),
            "GET /api/v1/audit/verify": Probe(uri: "/api/v1/audit/verify"),
        ]
        return probes[key] ?? webhookProbe(key, c)
    }

    /// Webhook routes; a webhook and a delivery that do not exist answer 404 to callers the rule lets through.
    static func webhookProbe(_ key: String, _ c: Caller) -> Probe? {
        let hook = "/api/v1/webhooks/no-such-hook"
        let delivery = "/api/v1/deliveries/no-such-delivery"
        let probes: [String: Probe] = [
            "POST /api/v1/webhooks": Probe(
                uri: "/api/v1/webhooks",
                body: #"{"name":"hook-\#(c.rawValue)","url":"https://hooks.example.com/in"}"#
            ),
            "GET /api/v1/webhooks": Probe(uri: "/api/v1/webhooks"),
            "GET /api/v1/webhooks/:webhook": Probe(uri: hook),
            "PATCH /api/v1/webhooks/:webhook": Probe(uri: hook, body: #"{"description":"d"}"#),
            "DELETE /api/v1/webhooks/:webhook": Probe(uri: hook),
            "POST /api/v1/webhooks/:webhook/test": Probe(uri: hook + "/test"),
            "GET /api/v1/webhooks/:webhook/deliveries": Probe(uri: hook + "/deliveries"),
            "GET /api/v1/deliveries/:delivery": Probe(uri: delivery),
            "POST /api/v1/deliveries/:delivery/redeliver": Probe(uri: delivery + "/redeliver"),
            "PUT /api/v1/models/:name/deployments/:host": Probe(
                uri: "/api/v1/models/m-\(c.rawValue)/deployments/serve-1",
                body: #"{"version":1,"reference":"Production"}"#
            ),
            "GET /api/v1/models/:name/deployments": Probe(uri: "/api/v1/models/m-\(c.rawValue)/deployments"),
        ]
        return probes[key]
    }

    /// Deletes run last, the model's last of all, so the other probes find their fixtures.
    static func ordered(_ routes: [(method: String, path: String, rule: AccessRule)])
        -> [(method: String, path: String, rule: AccessRule)]
    {
        func rank(_ route: (method: String, path: String, rule: AccessRule)) -> Int {
            if route.method == "DELETE" && route.path == "/api/v1/models/:name" { return 2 }
            return route.rule == .requires(.delete) ? 1 : 0
        }
        return routes.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }

    /// Seeds a column's fixtures as the admin: `m-<c>` (v1 READY with model.bin, v2 PENDING with a file, v3 PENDING,
    /// tag `k` on the model and on v1, alias `champion` → 1) and `r-<c>` to rename.
    static func seed(_ c: Caller, _ client: any TestClientProtocol) async throws {
        let m = "m-\(c.rawValue)"
        try await client.seed(model: m)
        try await client.seed(model: m, files: ["w.bin": "w"], finalize: false)
        try await client.seed(model: m, files: [:], finalize: false)
        _ = try await client.send(.put, "/api/v1/models/\(m)/tags/k", json: #"{"value":"v"}"#)
        _ = try await client.send(.put, "/api/v1/models/\(m)/versions/1/tags/k", json: #"{"value":"v"}"#)
        _ = try await client.send(.put, "/api/v1/models/\(m)/aliases/champion", json: #"{"version":1}"#)
        let renamed = try await client.send(.post, "/api/v1/models", json: #"{"name":"r-\#(c.rawValue)"}"#)
        try #require(renamed.status == .created)
    }

    @Test("every native route answers every kind of caller as its rule says")
    func matrix() async throws {
        let harness = try await APIHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.root) }
        let accounts = try await MatrixAccounts.make(harness.service, adminToken: harness.adminToken)
        let routes = Self.ordered(NativeAPI.routeRules)
        for anonymous in AnonymousAccess.allCases {
            let router = CairnServer.makeRouter(service: harness.service, anonymous: anonymous)
            try await Application(router: router).test(.router) { base in
                let admin = AuthorizedClient(base: base, authorization: "Bearer \(harness.adminToken)")
                for caller in Caller.allCases where caller.anonymous == anonymous {
                    try await Self.seed(caller, admin)
                    let client = admin.with(accounts.authorization(caller))
                    for route in routes {
                        let key = "\(route.method) \(route.path)"
                        let probe = try #require(Self.probe(key, caller, accounts), "no probe for \(key)")
                        let response = try await client.execute(
                            uri: probe.uri,
                            method: HTTPRequest.Method(route.method)!,
                            headers: probe.body == nil ? [:] : [.contentType: probe.contentType],
                            body: probe.body.map { ByteBuffer(string: $0) }
                        )
                        let error = try? decode(ErrorBody.self, response)
                        MatrixCheck.check(
                            key,
                            rule: route.rule,
                            caller: caller,
                            status: Int(response.status.code),
                            headers: response.headers,
                            code: error?.code,
                            message: error?.message ?? ""
                        )
                    }
                }
            }
        }
        await harness.store.close()
    }
}

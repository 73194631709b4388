import CairnCore
import CairnHTTP
import CairnMLflowAPI
import CairnSQLite
import CairnServer
import CairnTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every MLflow route × every kind of caller: allowed → not 401/403; denied → `UNAUTHENTICATED` 401 with
/// `WWW-Authenticate` (anonymous) or `PERMISSION_DENIED` 403 naming the needed role (accounts).
@Suite("Role matrix: MLflow API")
struct MLflowRoleMatrixTests {
    static func roles(_ action: Action) -> String {
        let names = Role.allCases.filter(action.allowedRoles.contains).map(\.rawValue)
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    @Test("every MLflow route answers every kind of caller as its rule says, in MLflow's error shape")
    func matrix() async throws {
        try await MLflowHarness.run { harness, _ in
            var tokens: [MatrixCaller: String] = [.admin: harness.adminToken]
            for caller in MatrixCaller.allCases where caller.role != nil && caller.role != .admin {
                let name = "\(caller.rawValue)-acct"
                _ = try await harness.service.identity.createAccount(name: name, kind: .user, actor: .system)
                try await harness.service.identity.grant(Grant(caller.role!), to: name, actor: .system)
                tokens[caller] = try await harness.service.identity.createToken(accountName: name, actor: .system)
                    .secret
            }
            let secrets = tokens
            let routes = MLflowAPI.routeRules.enumerated().sorted { a, b in
                func rank(_ r: (method: String, path: String, rule: AccessRule)) -> Int {
                    r.path.hasSuffix("registered-models/delete") && r.method == "DELETE"
                        ? 2 : r.rule == .requires(.delete) ? 1 : 0
                }
                return (rank(a.element), a.offset) < (rank(b.element), b.offset)
            }.map(\.element)
            for anonymous in AnonymousAccess.allCases {
                let router = CairnServer.makeRouter(service: harness.service, anonymous: anonymous)
                try await Application(router: router).test(.router) { base in
                    let admin = MLflowClient(base: base, authorization: "Bearer \(harness.adminToken)")
                    for caller in MatrixCaller.allCases where caller.anonymous == anonymous {
                        let fixtures = try await MLflowFixtures.seed(caller, admin)
                        let client = admin.with(secrets[caller].map { "Bearer \($0)" })
                        for route in routes {
                            let (uri, body) = fixtures.probe(route.method, route.path)
                            var headers: HTTPFields = body == nil ? [:] : [.contentType: "application/json"]
                            // Not the session's token (there is no such session): the core must refuse it.
                            if route.rule == .partToken { headers[AccessRule.partTokenHeader] = "cairn_part_forged" }
                            let reply = try await client.raw(
                                HTTPRequest.Method(route.method)!,
                                uri,
                                headers: headers,
                                body: body
                            )
                            Self.check(route.method + " " + route.path, route.rule, caller, reply)
                        }
                    }
                }
            }
        }
    }

    static func check(_ label: String, _ rule: AccessRule, _ caller: MatrixCaller, _ reply: Reply) {
        let cell = "\(label) as \(caller.rawValue) [\(rule)]: \(reply.status) \(reply.text.prefix(300))"
        #expect(reply.status < 500, "\(cell)")
        if rule == .partToken {
            #expect(reply.status == 404 && reply.errorCode == "RESOURCE_DOES_NOT_EXIST", "\(cell)")
        } else if caller.isAllowed(by: rule) {
            #expect(reply.status != 401 && reply.status != 403, "should be allowed: \(cell)")
        } else if caller.role == nil {
            #expect(reply.status == 401 && reply.errorCode == "UNAUTHENTICATED", "should be 401: \(cell)")
            #expect(reply.headers[.wwwAuthenticate] == AccessRule.challenge, "\(cell)")
        } else {
            #expect(reply.status == 403 && reply.errorCode == "PERMISSION_DENIED", "should be 403: \(cell)")
            if case .requires(let action) = rule {
                #expect(reply.message.contains(roles(action)), "message should name the role: \(cell)")
            }
        }
    }
}

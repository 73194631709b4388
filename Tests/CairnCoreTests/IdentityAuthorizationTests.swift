import CairnCore
import Testing

@Suite("Authorization rules")
struct IdentityAuthorizationTests {
    struct Rule: Sendable, CustomTestStringConvertible {
        var who: String
        var principal: Principal
        var action: Action
        var model: String?
        var allowed: Bool
        var testDescription: String {
            "\(who) \(allowed ? "may" : "may not") \(action.rawValue) \(model.map { "'\($0)'" } ?? "(no model)")"
        }
    }

    static func user(_ grants: Grant...) -> Principal {
        Principal(id: "u1", name: "dana", kind: .user, grants: grants)
    }

    /// Each role globally against each action: exactly the table of `Action.allowedRoles`.
    static let roleTable: [Rule] = {
        let expected: [Role: Set<Action>] = [
            .viewer: [.read],
            .editor: [.read, .write],
            .maintainer: [.read, .write, .delete],
            .approver: [.read, .approve],
            .admin: Set(Action.allCases),
        ]
        return Role.allCases.flatMap { role in
            Action.allCases.map { action in
                Rule(
                    who: "global \(role.rawValue)",
                    principal: user(Grant(role)),
                    action: action,
                    model: "fraud",
                    allowed: expected[role]!.contains(action)
                )
            }
        }
    }()

    static let scopes: [Rule] = [
        Rule(who: "no grants", principal: user(), action: .read, model: "fraud", allowed: false),
        Rule(
            who: "editor of fraud",
            principal: user(Grant(.editor, .model("fraud"))),
            action: .write,
            model: "fraud",
            allowed: true
        ),
        Rule(
            who: "editor of fraud",
            principal: user(Grant(.editor, .model("fraud"))),
            action: .write,
            model: "fraud2",
            allowed: false
        ),
        Rule(
            who: "editor of fraud",
            principal: user(Grant(.editor, .model("fraud"))),
            action: .write,
            model: "Fraud",
            allowed: false
        ),
        Rule(
            who: "editor of fraud",
            principal: user(Grant(.editor, .model("fraud"))),
            action: .read,
            model: nil,
            allowed: false
        ),
        Rule(
            who: "viewer of team-a/*",
            principal: user(Grant(.viewer, .modelPrefix("team-a/"))),
            action: .read,
            model: "team-a/churn",
            allowed: true
        ),
        Rule(
            who: "viewer of team-a/*",
            principal: user(Grant(.viewer, .modelPrefix("team-a/"))),
            action: .read,
            model: "team-b/churn",
            allowed: false
        ),
        Rule(
            who: "viewer of team-a/*",
            principal: user(Grant(.viewer, .modelPrefix("team-a/"))),
            action: .read,
            model: "team-a",
            allowed: false
        ),
        Rule(
            who: "viewer of team-a/*",
            principal: user(Grant(.viewer, .modelPrefix("team-a/"))),
            action: .write,
            model: "team-a/churn",
            allowed: false
        ),
        Rule(
            who: "global viewer + editor of fraud",
            principal: user(Grant(.viewer), Grant(.editor, .model("fraud"))),
            action: .write,
            model: "fraud",
            allowed: true
        ),
        Rule(
            who: "global viewer + editor of fraud",
            principal: user(Grant(.viewer), Grant(.editor, .model("fraud"))),
            action: .write,
            model: "other",
            allowed: false
        ),
        Rule(
            who: "global viewer + editor of fraud",
            principal: user(Grant(.viewer), Grant(.editor, .model("fraud"))),
            action: .read,
            model: "other",
            allowed: true
        ),
        Rule(
            who: "editor of t/* + approver of t/x",
            principal: user(
                Grant(.editor, .modelPrefix("t/")),
                Grant(.approver, .model("t/x"))
            ),
            action: .approve,
            model: "t/x",
            allowed: true
        ),
        Rule(
            who: "editor of t/* + approver of t/x",
            principal: user(
                Grant(.editor, .modelPrefix("t/")),
                Grant(.approver, .model("t/x"))
            ),
            action: .write,
            model: "t/x",
            allowed: true
        ),
        Rule(
            who: "editor of t/* + approver of t/x",
            principal: user(
                Grant(.editor, .modelPrefix("t/")),
                Grant(.approver, .model("t/x"))
            ),
            action: .approve,
            model: "t/y",
            allowed: false
        ),
        Rule(
            who: "admin of fraud",
            principal: user(Grant(.admin, .model("fraud"))),
            action: .delete,
            model: "fraud",
            allowed: true
        ),
        Rule(
            who: "admin of fraud",
            principal: user(Grant(.admin, .model("fraud"))),
            action: .administer,
            model: nil,
            allowed: false
        ),
        Rule(
            who: "service account editor",
            principal: Principal(
                id: "s",
                name: "ci",
                kind: .serviceAccount,
                grants: [Grant(.editor)]
            ),
            action: .write,
            model: "fraud",
            allowed: true
        ),
    ]

    /// Anonymous: the configured role, capped at read, write and delete whatever it holds.
    static let anonymous: [Rule] = {
        var rules: [Rule] = []
        for access in AnonymousAccess.allCases {
            for action in Action.allCases {
                let allowed =
                    switch access {
                    case .none: false
                    case .viewer: action == .read
                    case .editor: action == .read || action == .write
                    case .maintainer: action == .read || action == .write || action == .delete
                    }
                rules.append(
                    Rule(
                        who: "anonymous(\(access.rawValue))",
                        principal: .anonymous(access),
                        action: action,
                        model: "fraud",
                        allowed: allowed
                    )
                )
            }
        }
        // Even when handed admin grants by mistake, anonymous never approves or administers.
        var forged = Principal.anonymous
        forged.grants = [Grant(.admin), Grant(.approver)]
        for action in Action.allCases {
            rules.append(
                Rule(
                    who: "anonymous holding admin",
                    principal: forged,
                    action: action,
                    model: "fraud",
                    allowed: action == .read || action == .write || action == .delete
                )
            )
        }
        rules.append(Rule(who: "plain anonymous", principal: .anonymous, action: .read, model: nil, allowed: false))
        return rules
    }()

    static let system: [Rule] = Action.allCases.flatMap { action in
        [nil, "fraud"].map { Rule(who: "system", principal: .system, action: action, model: $0, allowed: true) }
    }

    @Test("each global role allows exactly its actions", arguments: roleTable)
    func roles(_ rule: Rule) { check(rule) }

    @Test("grants combine across global, exact-name and prefix scopes", arguments: scopes)
    func scoped(_ rule: Rule) { check(rule) }

    @Test("anonymous gets its configured role and never approves, deletes or administers", arguments: anonymous)
    func anonymousRules(_ rule: Rule) { check(rule) }

    @Test("the system principal may do everything", arguments: system)
    func systemRules(_ rule: Rule) { check(rule) }

    private func check(_ rule: Rule) {
        let decision = Authorization.decide(rule.principal, rule.action, model: rule.model)
        #expect(decision.isAllowed == rule.allowed, "\(decision)")
        if case .denied(let reason) = decision {
            let needed = Role.allCases.filter(rule.action.allowedRoles.contains).map(\.rawValue)
            #expect(needed.allSatisfy(reason.contains), "the reason names the roles needed: \(reason)")
        }
    }

    @Test("require throws permissionDenied with the reason; decide explains what the caller holds")
    func requireThrows() throws {
        let viewer = Self.user(Grant(.viewer))
        do {
            try Authorization.require(viewer, .write, model: "fraud")
            Issue.record("expected a denial")
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.message.contains("editor, maintainer or admin"))
            #expect(error.message.contains("only viewer"))
        }
        try Authorization.require(viewer, .read, model: "fraud")
    }

    @Test("roles and anonymous levels parse; approver and admin are refused for anonymous")
    func parsing() throws {
        #expect(try Role(parsing: "Approver") == .approver)
        #expect(try AnonymousAccess(parsing: "EDITOR") == .editor)
        #expect(throws: RegistryError.self) { try Role(parsing: "root") }
        #expect(throws: RegistryError.self) { try AnonymousAccess(parsing: "admin") }
        #expect(throws: RegistryError.self) { try AnonymousAccess(parsing: "approver") }
    }

    @Test("grant scopes are validated", arguments: [Grant(.viewer, .modelPrefix("")), Grant(.viewer, .model("a/b"))])
    func invalidScope(_ grant: Grant) {
        #expect(throws: RegistryError.self) { try grant.validate() }
    }
}

import CairnClient
import CairnWire
import Foundation

/// Human-readable renderings of accounts, grants and tokens.
extension Presenters {
    /// `editor` (global), `editor on fraud` (one model), `editor on team-a-*` (a name prefix).
    static func grant(_ grant: GrantDTO) -> String {
        switch grant.scope {
        case "global": grant.role
        case "model": "\(grant.role) on \(grant.target ?? "?")"
        case "prefix": "\(grant.role) on \(grant.target ?? "")*"
        default: "\(grant.role) (\(grant.scope) \(grant.target ?? ""))"
        }
    }

    static func grantList(_ grants: [GrantDTO]) -> String {
        grants.isEmpty ? "none" : grants.map(grant).joined(separator: ", ")
    }

    static func grantTable(_ grants: [GrantDTO]) -> String {
        guard !grants.isEmpty else { return "No grants." }
        var table = TableRenderer(["ROLE", "SCOPE", "TARGET"])
        for grant in grants {
            table.append([grant.role, grant.scope, grant.target.map { grant.scope == "prefix" ? $0 + "*" : $0 } ?? "-"])
        }
        return table.render()
    }

    static func kind(_ kind: String) -> String {
        kind == "service_account" ? "service account" : kind
    }

    static func whoami(_ principal: WhoAmIDTO) -> String {
        TableRenderer.fields([
            ("Name", principal.name),
            ("Kind", kind(principal.kind)),
            ("Grants", grantList(principal.grants)),
        ])
    }

    static func account(_ account: AccountDTO) -> String {
        TableRenderer.fields([
            ("Name", account.name),
            ("ID", account.id),
            ("Kind", kind(account.kind)),
            ("Status", account.disabled ? "disabled" : "enabled"),
            ("Grants", grantList(account.grants)),
            ("Created", "\(time(account.createdAt)) by \(account.createdBy)"),
            ("Updated", "\(time(account.updatedAt)) by \(account.updatedBy)"),
        ])
    }

    static func accountTable(_ accounts: [AccountDTO]) -> String {
        guard !accounts.isEmpty else { return "No accounts." }
        var table = TableRenderer(["NAME", "KIND", "STATUS", "GRANTS", "CREATED"])
        for account in accounts {
            table.append([
                account.name, kind(account.kind), account.disabled ? "disabled" : "enabled",
                TableRenderer.truncate(grantList(account.grants), to: 60), time(account.createdAt),
            ])
        }
        return table.render()
    }

    /// `active`, `expired` or `revoked`, judged against `now`.
    static func tokenStatus(_ token: TokenDTO, now: Date = Date()) -> String {
        if token.revokedAt != nil { return "revoked" }
        if let expiry = token.expiresAt, expiry <= now { return "expired" }
        return "active"
    }

    static func tokenTable(_ tokens: [TokenDTO]) -> String {
        guard !tokens.isEmpty else { return "No tokens." }
        var table = TableRenderer(["ID", "STATUS", "CREATED", "EXPIRES", "LAST USED", "DESCRIPTION"])
        for token in tokens {
            table.append([
                token.id, tokenStatus(token), time(token.createdAt), token.expiresAt.map(time) ?? "never",
                token.lastUsedAt.map(time) ?? "-", TableRenderer.truncate(token.description, to: 50),
            ])
        }
        return table.render()
    }

    static func token(_ token: TokenDTO) -> String {
        var fields: [(String, String)] = [
            ("ID", token.id),
            ("Account", token.account),
            ("Status", tokenStatus(token)),
            ("Description", token.description),
            ("Created", time(token.createdAt)),
            ("Expires", token.expiresAt.map(time) ?? "never"),
        ]
        if let revoked = token.revokedAt { fields.append(("Revoked", time(revoked))) }
        if let used = token.lastUsedAt { fields.append(("Last used", time(used))) }
        return TableRenderer.fields(fields)
    }

    /// The one time a secret is shown: the token's metadata, the secret on a line of its own, and a warning.
    static func newToken(_ created: NewTokenDTO) -> String {
        let expiry = created.token.expiresAt.map { "expires \(time($0))" } ?? "never expires"
        return """
            Created token \(created.token.id) for '\(created.token.account)' (\(expiry)).

                \(created.secret)

            This secret will not be shown again: store it now. Use it with --token or CAIRN_TOKEN \
            (or as MLFLOW_TRACKING_TOKEN).
            """
    }
}

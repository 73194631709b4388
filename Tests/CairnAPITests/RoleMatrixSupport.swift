import CairnAPI
import CairnCore
import CairnHTTP
import CairnServer
import CairnTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A column of the native API's role matrix.
typealias Caller = RoleMatrixCaller

extension RoleMatrixCaller {
    /// Whether `rule` lets this caller through.
    func isAllowed(by rule: AccessRule) -> Bool {
        switch rule {
        case .public: true
        case .authenticated: role != nil
        case .requires(let action): mayDo(action)
        // Any caller reaches the core, which answers by the part token alone (the probe sends a wrong one).
        case .partToken: true
        }
    }
}

/// One request of the matrix.
struct Probe: Sendable {
    var uri: String
    var body: String?
    var contentType = "application/json"
}

/// The accounts and tokens of the matrix, made through the core as the system principal.
struct MatrixAccounts: Sendable {
    /// Token secret per account name.
    var tokens: [String: String]
    /// An extra token id per account name, for the revocation route.
    var spareTokens: [String: String]

    static func make(_ service: RegistryService, adminToken: String) async throws -> MatrixAccounts {
        var tokens = ["admin": adminToken]
        var spare: [String: String] = [:]
        for role in Role.allCases where role != .admin {
            let name = "\(role.rawValue)-acct"
            _ = try await service.identity.createAccount(name: name, kind: .user, actor: .system)
            try await service.identity.grant(Grant(role), to: name, actor: .system)
            // Changing one's own password needs the current one (the password probe sends it).
            try await service.identity.setPassword(
                accountName: name,
                password: "the current passphrase",
                actor: .system
            )
            tokens[name] = try await service.identity.createToken(accountName: name, actor: .system).secret
        }
        _ = try await service.identity.createAccount(name: "target", kind: .user, actor: .system)
        for name in ["admin"] + Role.allCases.filter { $0 != .admin }.map({ "\($0.rawValue)-acct" }) {
            spare[name] = try await service.identity.createToken(
                accountName: name,
                description: "spare",
                actor: .system
            ).token
                .id
        }
        return MatrixAccounts(tokens: tokens, spareTokens: spare)
    }

    /// The `Authorization` header of a column (`nil` for anonymous columns).
    func authorization(_ caller: Caller) -> String? {
        caller.role == nil ? nil : tokens[caller.accountName].map { "Bearer \($0)" }
    }
}

/// The checks of one matrix cell.
enum MatrixCheck {
    /// "editor or admin": the roles the core's messages name for `action`.
    static func roles(_ action: Action) -> String {
        let names = Role.allCases.filter(action.allowedRoles.contains).map(\.rawValue)
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// Allowed → neither 401 nor 403 nor 5xx; denied → 401 with `WWW-Authenticate` (anonymous) or 403 naming the
    /// needed role. `code` is the error code the surface answered with (`code` or `error_code`).
    static func check(
        _ label: String,
        rule: AccessRule,
        caller: Caller,
        status: Int,
        headers: HTTPFields,
        code: String?,
        message: String
    ) {
        let cell = "\(label) as \(caller.rawValue) [\(rule)]: \(status) \(code ?? "") \(message.prefix(300))"
        #expect(status < 500, "\(cell)")
        if caller.isAllowed(by: rule) {
            #expect(status != 401 && status != 403, "should be allowed: \(cell)")
        } else if caller.role == nil {
            #expect(status == 401, "should be 401: \(cell)")
            #expect(headers[.wwwAuthenticate] == AccessRule.challenge, "WWW-Authenticate missing: \(cell)")
            #expect(code == "UNAUTHENTICATED", "\(cell)")
        } else {
            #expect(status == 403, "should be 403: \(cell)")
            #expect(code == "PERMISSION_DENIED", "\(cell)")
            if case .requires(let action) = rule {
                #expect(message.contains(roles(action)), "message should name '\(roles(action))': \(cell)")
            }
        }
    }
}

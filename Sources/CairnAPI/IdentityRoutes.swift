import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird

/// `/api/v1/whoami`, `/api/v1/accounts…` and `/api/v1/tokens…`: accounts, grants and API tokens.
///
/// Account management needs the admin role; an account may also read itself and manage its own password and tokens
/// (rule ``AccessRule/authenticated``; the core allows "admin or self"). Token secrets appear in one response only,
/// the creation's.
enum IdentityRoutes {
    static let account = "/api/v1/accounts/{name}"

    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: "/api/v1/whoami",
            operationID: "whoAmI",
            summary: "The principal this request acts as (anonymous without credentials), with its grants.",
            success: (200, "WhoAmI"),
            errors: [],
            rule: .public,
            handler: whoAmI
        ),
        Endpoint(
            method: .post,
            path: "/api/v1/accounts",
            operationID: "createAccount",
            summary: "Create a user or service account, without grants or credentials.",
            requestBody: "CreateAccountRequest",
            success: (201, "Account"),
            errors: [400, 409, 413, 415],
            rule: .requires(.administer),
            handler: create
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/accounts",
            operationID: "listAccounts",
            summary: "List every account with its grants, by name.",
            success: (200, "AccountList"),
            errors: [],
            rule: .requires(.administer),
            handler: list
        ),
        Endpoint(
            method: .get,
            path: account,
            operationID: "getAccount",
            summary: "Get an account with its grants (admins, or the account itself).",
            success: (200, "Account"),
            errors: [404],
            rule: .authenticated,
            handler: get
        ),
        Endpoint(
            method: .post,
            path: account + "/disable",
            operationID: "disableAccount",
            summary: "Disable an account: none of its credentials work from the next request on.",
            success: (200, "Account"),
            errors: [404, 409],
            rule: .requires(.administer),
            handler: disable
        ),
        Endpoint(
            method: .post,
            path: account + "/enable",
            operationID: "enableAccount",
            summary: "Enable a disabled account again.",
            success: (200, "Account"),
            errors: [404],
            rule: .requires(.administer),
            handler: enable
        ),
        Endpoint(
            method: .put,
            path: account + "/password",
            operationID: "setPassword",
            summary: "Set a user's password (admins, or the user itself); used with HTTP Basic.",
            requestBody: "SetPasswordRequest",
            success: (204, nil),
            errors: [400, 404, 409, 413, 415],
            rule: .authenticated,
            handler: setPassword
        ),
        Endpoint(
            method: .get,
            path: account + "/grants",
            operationID: "listGrants",
            summary: "An account's grants (admins, or the account itself).",
            success: (200, "GrantList"),
            errors: [404],
            rule: .authenticated,
            handler: grants
        ),
        Endpoint(
            method: .post,
            path: account + "/grants",
            operationID: "addGrant",
            summary: "Grant a role globally, on one model or on a model name prefix (idempotent).",
            requestBody: "Grant",
            success: (200, "GrantList"),
            errors: [400, 404, 413, 415],
            rule: .requires(.administer),
            handler: addGrant
        ),
        Endpoint(
            method: .post,
            path: account + "/grants/revoke",
            operationID: "revokeGrant",
            summary: "Revoke a grant (idempotent); the last enabled global admin cannot lose it.",
            requestBody: "Grant",
            success: (200, "GrantList"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.administer),
            handler: revokeGrant
        ),
        Endpoint(
            method: .post,
            path: account + "/tokens",
            operationID: "createToken",
            summary: "Create an API token; its secret is in this response only.",
            requestBody: "CreateTokenRequest",
            success: (201, "NewToken"),
            errors: [400, 404, 413, 415],
            rule: .authenticated,
            handler: createToken
        ),
        Endpoint(
            method: .get,
            path: account + "/tokens",
            operationID: "listTokens",
            summary: "An account's tokens, revoked and expired ones included; never their secrets.",
            success: (200, "TokenList"),
            errors: [404],
            rule: .authenticated,
            handler: tokens
        ),
        Endpoint(
            method: .delete,
            path: "/api/v1/tokens/{id}",
            operationID: "revokeToken",
            summary: "Revoke a token: it fails from the next request on (idempotent).",
            success: (200, "Token"),
            errors: [404],
            rule: .authenticated,
            handler: revokeToken
        ),
    ]

    static func whoAmI(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let principal = context.principal
        return JSONResponse.make(
            WhoAmIDTO(
                name: principal.name,
                kind: principal.kind.rawValue,
                grants: principal.grants.sorted().map(IdentityMapping.grant)
            )
        )
    }

    static func create(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(CreateAccountRequest.self, from: request)
        let kind = try IdentityMapping.kind(body.kind)
        let account = try await service.identity.createAccount(name: body.name, kind: kind, actor: context.principal)
        var response = JSONResponse.make(IdentityMapping.account(account, grants: []), status: .created)
        response.headers[.location] = "/api/v1/accounts/\(URLPath.encodeSegment(account.name))"
        return response
    }

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        var accounts: [AccountDTO] = []
        for account in try await service.identity.accounts(actor: context.principal) {
            let grants = try await service.identity.account(named: account.name, actor: context.principal).grants
            accounts.append(IdentityMapping.account(account, grants: grants))
        }
        return JSONResponse.make(AccountListDTO(accounts: accounts))
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        JSONResponse.make(try await detailed(try context.pathParameter("name"), context, service))
    }

    static func disable(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        _ = try await service.identity.disableAccount(name: name, actor: context.principal)
        return JSONResponse.make(try await detailed(name, context, service))
    }

    static func enable(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        _ = try await service.identity.enableAccount(name: name, actor: context.principal)
        return JSONResponse.make(try await detailed(name, context, service))
    }

    static func setPassword(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let name = try context.pathParameter("name")
        let body = try await JSONResponse.decode(SetPasswordRequest.self, from: request)
        try await service.identity.setPassword(
            accountName: name,
            password: body.password,
            currentPassword: body.currentPassword,
            actor: context.principal
        )
        return JSONResponse.noContent()
    }

    static func grants(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let found = try await service.identity.account(
            named: try context.pathParameter("name"),
            actor: context.principal
        )
        return JSONResponse.make(GrantListDTO(grants: found.grants.map(IdentityMapping.grant)))
    }

    static func addGrant(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let grant = try IdentityMapping.grant(try await JSONResponse.decode(GrantDTO.self, from: request))
        let grants = try await service.identity.grant(grant, to: name, actor: context.principal)
        return JSONResponse.make(GrantListDTO(grants: grants.map(IdentityMapping.grant)))
    }

    static func revokeGrant(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let name = try context.pathParameter("name")
        let grant = try IdentityMapping.grant(try await JSONResponse.decode(GrantDTO.self, from: request))
        let grants = try await service.identity.revoke(grant, from: name, actor: context.principal)
        return JSONResponse.make(GrantListDTO(grants: grants.map(IdentityMapping.grant)))
    }

    static func createToken(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let name = try context.pathParameter("name")
        let body = try await JSONResponse.decode(CreateTokenRequest.self, from: request)
        let new = try await service.identity.createToken(
            accountName: name,
            description: body.description ?? "",
            expiresAt: body.expiresAt,
            actor: context.principal
        )
        let dto = NewTokenDTO(token: IdentityMapping.token(new.token, account: name), secret: new.secret)
        return JSONResponse.make(dto, status: .created)
    }

    static func tokens(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let tokens = try await service.identity.tokens(accountName: name, actor: context.principal)
        return JSONResponse.make(TokenListDTO(tokens: tokens.map { IdentityMapping.token($0, account: name) }))
    }

    static func revokeToken(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let id = try context.pathParameter("id")
        let revoked = try await service.identity.revokeToken(id: id, actor: context.principal)
        return JSONResponse.make(IdentityMapping.token(revoked.token, account: revoked.accountName))
    }

    /// An account with its grants, as the caller may see it.
    static func detailed(_ name: String, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> AccountDTO
    {
        let found = try await service.identity.account(named: name, actor: context.principal)
        return IdentityMapping.account(found.account, grants: found.grants)
    }
}

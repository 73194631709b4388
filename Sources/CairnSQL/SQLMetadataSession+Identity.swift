import CairnCore
import Foundation

extension SQLMetadataSession {
    // MARK: Reading identity

    public func account(id: String) async throws -> Account? {
        try await accounts(where: "a.id = ?", [.text(id)]).first
    }

    public func account(named name: String) async throws -> Account? {
        try await accounts(where: "a.name = ?", [.text(name)]).first
    }

    public func accounts() async throws -> [Account] { try await accounts(where: "1 = 1", []) }

    private func accounts(where condition: String, _ binds: [SQLValue]) async throws -> [Account] {
        try await run(
            "SELECT \(IdentityRows.accountColumns) FROM accounts a WHERE \(condition) ORDER BY a.name",
            binds
        ).map(IdentityRows.account)
    }

    public func passwordHash(accountID: String) async throws -> String? {
        try await run("SELECT hash FROM password_hashes WHERE account_id = ?", [.text(accountID)]).first?.text("hash")
    }

    public func grants(accountID: String) async throws -> [Grant] {
        try await run(
            "SELECT role, scope_kind, scope_value FROM account_grants WHERE account_id = ?",
            [.text(accountID)]
        ).map(IdentityRows.grant).sorted()
    }

    public func accountIDs(holding grant: Grant) async throws -> [String] {
        let (kind, value) = IdentityRows.scopeColumns(grant.scope)
        return try await run(
            """
            SELECT account_id FROM account_grants WHERE role = ? AND scope_kind = ? AND scope_value = ?
            ORDER BY account_id
            """,
            [.text(grant.role.rawValue), .text(kind), .text(value)]
        ).map { try $0.text("account_id") }
    }

    public func token(id: String) async throws -> APIToken? {
        try await tokens(where: "t.id = ?", [.text(id)]).first
    }

    public func token(secretHash: String) async throws -> APIToken? {
        try await tokens(where: "t.token_hash = ?", [.text(secretHash)]).first
    }

    public func tokens(accountID: String) async throws -> [APIToken] {
        try await tokens(where: "t.account_id = ?", [.text(accountID)])
    }

    private func tokens(where condition: String, _ binds: [SQLValue]) async throws -> [APIToken] {
        try await run(
            "SELECT \(IdentityRows.tokenColumns) FROM api_tokens t WHERE \(condition) ORDER BY t.created_at, t.id",
            binds
        ).map(IdentityRows.token)
    }

    // MARK: Writing identity

    public func insertAccount(_ account: Account) async throws {
        _ = try await run(
            """
            INSERT INTO accounts (id, name, kind, disabled, created_by, created_at, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(account.id), .text(account.name), .text(account.kind.rawValue), .int(account.disabled ? 1 : 0),
                .text(account.createdBy), .millis(account.createdAt), .text(account.updatedBy),
                .millis(account.updatedAt),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "An account named '\(account.name)' (or with the id \(account.id)) already exists. Choose another name."
            )
        )
    }

    public func updateAccount(_ account: Account) async throws {
        let rows = try await run(
            "UPDATE accounts SET disabled = ?, updated_by = ?, updated_at = ? WHERE id = ? RETURNING id",
            [.int(account.disabled ? 1 : 0), .text(account.updatedBy), .millis(account.updatedAt), .text(account.id)]
        )
        if rows.isEmpty { throw Self.accountIDNotFound(account.id) }
    }

    public func setPasswordHash(accountID: String, hash: String) async throws {
        _ = try await run(
            """
            INSERT INTO password_hashes (account_id, hash) VALUES (?, ?)
            ON CONFLICT (account_id) DO UPDATE SET hash = excluded.hash
            """,
            [.text(accountID), .text(hash)],
            onMissingParent: Self.accountIDNotFound(accountID)
        )
    }

    public func insertGrant(accountID: String, grant: Grant) async throws -> Bool {
        let (kind, value) = IdentityRows.scopeColumns(grant.scope)
        let rows = try await run(
            """
            INSERT INTO account_grants (account_id, role, scope_kind, scope_value) VALUES (?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING account_id
            """,
            [.text(accountID), .text(grant.role.rawValue), .text(kind), .text(value)],
            onMissingParent: Self.accountIDNotFound(accountID)
        )
        return !rows.isEmpty
    }

    public func deleteGrant(accountID: String, grant: Grant) async throws -> Bool {
        let (kind, value) = IdentityRows.scopeColumns(grant.scope)
        return try await !run(
            """
            DELETE FROM account_grants WHERE account_id = ? AND role = ? AND scope_kind = ? AND scope_value = ?
            RETURNING account_id
            """,
            [.text(accountID), .text(grant.role.rawValue), .text(kind), .text(value)]
        ).isEmpty
    }

    public func insertToken(_ token: APIToken, secretHash: String) async throws {
        _ = try await run(
            """
            INSERT INTO api_tokens (id, account_id, token_hash, description, created_at, expires_at, revoked_at,
                last_used_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(token.id), .text(token.accountID), .text(secretHash), .text(token.description),
                .millis(token.createdAt), Self.optionalMillis(token.expiresAt), Self.optionalMillis(token.revokedAt),
                Self.optionalMillis(token.lastUsedAt),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "A token with the id \(token.id) or the same secret already exists."
            ),
            onMissingParent: Self.accountIDNotFound(token.accountID)
        )
    }

    public func updateToken(_ token: APIToken) async throws {
        let rows = try await run(
            "UPDATE api_tokens SET revoked_at = ?, last_used_at = ? WHERE id = ? RETURNING id",
            [Self.optionalMillis(token.revokedAt), Self.optionalMillis(token.lastUsedAt), .text(token.id)]
        )
        if rows.isEmpty {
            throw RegistryError(.notFound, "No API token has the id \(token.id). List tokens with `cairn tokens list`.")
        }
    }

    static func optionalMillis(_ date: Date?) -> SQLValue { date.map { .millis($0) } ?? .null }

    static func accountIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No account has the id \(id); it may have been removed.", file: file, line: line)
    }
}

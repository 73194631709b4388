extension SQLMetadataStore {
    /// Migration 3: identity (issue 4).
    ///
    ///     accounts         id PK, name UNIQUE (code points), kind, disabled (0/1), created/updated by/at
    ///     password_hashes  account_id PK → accounts, hash (self-describing: pbkdf2-sha256$…)
    ///     account_grants   (account_id → accounts, role, scope_kind, scope_value) PK; scope_kind is global, model or
    ///                      prefix, scope_value '' for global          index (role, scope_kind, scope_value)
    ///     api_tokens       id PK, account_id → accounts, token_hash UNIQUE (SHA-256 hex of the secret; the secret
    ///                      is never stored), description, created_at, expires_at, revoked_at, last_used_at (NULL
    ///                      when unset)                                  index account_id: listing
    static let identityMigration = SQLMigration(
        version: 3,
        name: "identity: accounts, password hashes, grants, API tokens"
    ) { dialect in
        let int64 = dialect.int64Type
        let key = dialect.binaryTextType
        return [
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                name \(key) NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                disabled \(int64) NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(int64) NOT NULL
            )
            """,
            """
            CREATE TABLE password_hashes (
                account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE account_grants (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                scope_kind TEXT NOT NULL,
                scope_value \(key) NOT NULL,
                PRIMARY KEY (account_id, role, scope_kind, scope_value)
            )
            """,
            "CREATE INDEX account_grants_role_scope ON account_grants (role, scope_kind, scope_value)",
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                expires_at \(int64),
                revoked_at \(int64),
                last_used_at \(int64)
            )
            """,
            "CREATE INDEX api_tokens_account ON api_tokens (account_id, created_at)",
        ]
    }
}

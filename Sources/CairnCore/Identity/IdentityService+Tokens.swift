import Foundation

/// API tokens and the first admin. Tokens are 256 random bits shown once; stores keep only their SHA-256.
extension IdentityService {
    /// Creates a token for an account and returns its secret, this once. An account may create its own tokens.
    /// - Parameters:
    ///   - description: what the token is for (at most 256 bytes, printable).
    ///   - expiresAt: when it stops working (must be in the future), or `nil` for never. For the caller's own account,
    ///     capped at the expiry of the credential the caller presented (``Principal/credentialExpiresAt``).
    /// - Throws: `.permissionDenied`, `.notFound`, `.invalidArgument` (description, expiry in the past).
    public func createToken(
        accountName: String,
        description: String = "",
        expiresAt: Date? = nil,
        actor: Principal
    ) async throws -> NewAPIToken {
        let lookup = try core.admitLookup(.createToken, actor)
        let account = try await store.read(lookup) { try await requireAccount($0, accountName) }
        let attempted = "create a token for '\(accountName)'"
        let permit = try await core.admit(.createToken, actor, account: account, attempted: attempted)
        let now = clock.now()
        if let expiresAt, expiresAt <= now {
            throw RegistryError.invalid("The token's expiry \(expiresAt) is not in the future. Pick a later time.")
        }
        // A token minted for one's own account never outlives the credential that minted it: a short-lived token
        // cannot turn itself into a permanent one.
        var expiresAt = expiresAt
        if actor.id == account.id, let cap = actor.credentialExpiresAt {
            expiresAt = min(expiresAt ?? cap, cap)
        }
        guard description.utf8.count <= 256, !description.unicodeScalars.contains(where: TextRules.isDisallowedScalar)
        else {
            throw RegistryError.invalid("A token description must be at most 256 bytes of printable text.")
        }
        let new = Self.makeToken(id: ids.next(), accountID: account.id, description, now: now, expiresAt: expiresAt)
        return try await store.write(permit) { tx in
            try await insert(new, tx: tx, accountName: accountName, actor: actor, now: now)
            return new
        }
    }

    /// An account's tokens (revoked and expired ones too), oldest first. Never their secrets. An account may list its
    /// own.
    /// - Throws: `.permissionDenied`, `.notFound`.
    public func tokens(accountName: String, actor: Principal) async throws -> [APIToken] {
        let lookup = try core.admitLookup(.tokens, actor)
        let (account, tokens) = try await store.read(lookup) { reader in
            let account = try await requireAccount(reader, accountName)
            return (account, try await reader.tokens(accountID: account.id))
        }
        _ = try await core.admit(.tokens, actor, account: account, attempted: "list the tokens of '\(accountName)'")
        return tokens
    }

    /// Revokes a token: it fails from the next request on, on every replica. An account may revoke its own tokens.
    /// Idempotent: revoking a revoked token changes and records nothing. Returns the token with the name of the
    /// account it belongs to (the caller was allowed to revoke it, so it may learn the owner).
    /// - Throws: `.permissionDenied`, `.notFound`.
    @discardableResult
    public func revokeToken(id: String, actor: Principal) async throws -> (token: APIToken, accountName: String) {
        let notFound = RegistryError(.notFound, "No API token has the id \(id). List tokens with `cairn tokens list`.")
        let lookup = try core.admitLookup(.revokeToken, actor)
        let found = try await store.read(lookup) { reader -> (APIToken, Account)? in
            guard let token = try await reader.token(id: id),
                let account = try await reader.account(id: token.accountID)
            else { return nil }
            return (token, account)
        }
        guard let (_, account) = found else {
            // Only admins learn whether an id exists.
            _ = try await core.admit(.revokeToken, actor, account: nil, attempted: "revoke token \(id)")
            throw notFound
        }
        let attempted = "revoke token \(id) of '\(account.name)'"
        let permit = try await core.admit(.revokeToken, actor, account: account, attempted: attempted)
        let now = clock.now()
        return try await store.write(permit) { tx in
            guard var token = try await tx.token(id: id) else { throw notFound }
            if token.revokedAt != nil { return (token, account.name) }
            token.revokedAt = now
            try await tx.updateToken(token)
            try await record(
                tx,
                actor: actor,
                .tokenRevoked(.init(id: id)),
                subject: Self.accountSubject(account.name) + "/token/\(id)",
                at: now
            )
            return (token, account.name)
        }
    }

    /// Creates the first admin when no account holds a global admin grant: an account `name` (a user), the grant, and
    /// a token whose secret is returned for the server to write to an owner-only file. Returns `nil`, changing
    /// nothing, when an account with a global admin grant exists (idempotent: safe on every start and on replicas
    /// starting together, since the check and the creation are one transaction). Records one `account.bootstrapped`
    /// event, acting as ``Principal/system``.
    ///
    /// `beforeCommit` runs inside the transaction with the new token, after everything is in place: the server
    /// writes the token file there, so the account is never committed unless its token is safely on disk (a
    /// failure rolls the account back).
    /// - Throws: `.failedPrecondition` when no admin exists but the name is taken by another account;
    ///   `.invalidArgument` (name); whatever `beforeCommit` throws.
    public func bootstrapAdmin(
        name: String = "admin",
        beforeCommit: @Sendable (NewAPIToken) async throws -> Void = { _ in }
    ) async throws -> NewAPIToken? {
        try AccountName.validate(name)
        let now = clock.now()
        let account = Account(id: ids.next(), name: name, kind: .user, createdAt: now, createdBy: Principal.system.name)
        let new = Self.makeToken(
            id: ids.next(),
            accountID: account.id,
            "bootstrap admin token",
            now: now,
            expiresAt: nil
        )
        return try await store.write(core.admitUnguarded(.bootstrapAdmin)) { tx -> NewAPIToken? in
            guard try await tx.accountIDs(holding: Grant(.admin)).isEmpty else { return nil }
            if try await tx.account(named: name) != nil {
                throw RegistryError(
                    .failedPrecondition,
                    "No account holds a global admin grant, and an account named '\(name)' already exists. Grant it "
                        + "admin from a database shell, or choose another bootstrap name."
                )
            }
            try await tx.insertAccount(account)
            _ = try await tx.insertGrant(accountID: account.id, grant: Grant(.admin))
            try await tx.insertToken(new.token, secretHash: APIToken.hash(ofSecret: new.secret))
            try await record(
                tx,
                actor: .system,
                .accountBootstrapped(.init(id: account.id, kind: account.kind, role: .admin, tokenID: new.token.id)),
                subject: Self.accountSubject(name),
                at: now
            )
            try await beforeCommit(new)
            return new
        }
    }

    // MARK: Helpers

    private func insert(
        _ new: NewAPIToken,
        tx: Transaction,
        accountName: String,
        actor: Principal,
        now: Date
    ) async throws {
        try await tx.insertToken(new.token, secretHash: APIToken.hash(ofSecret: new.secret))
        let expiresAt = new.token.expiresAt.map { Int64($0.timeIntervalSince1970 * 1000) }
        try await record(
            tx,
            actor: actor,
            .tokenCreated(.init(id: new.token.id, description: new.token.description, expiresAt: expiresAt)),
            subject: Self.accountSubject(accountName) + "/token/\(new.token.id)",
            at: now
        )
    }

    /// A token record with a fresh secret (``Secret/make(prefix:)`` with `cairn_`).
    static func makeToken(id: String, accountID: String, _ description: String, now: Date, expiresAt: Date?)
        -> NewAPIToken
    {
        let token = APIToken(
            id: id,
            accountID: accountID,
            description: description,
            createdAt: now,
            expiresAt: expiresAt
        )
        return NewAPIToken(token: token, secret: Secret.make(prefix: APIToken.secretPrefix))
    }
}

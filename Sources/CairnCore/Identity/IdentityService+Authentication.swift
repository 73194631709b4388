import Foundation

/// Authentication (credentials → ``Principal``) and authorization with an audit of refusals.
extension IdentityService {
    /// The one message of every failed authentication, whatever failed (unknown user, wrong password, unknown,
    /// revoked or expired token, disabled account), so that no answer reveals whether an account exists.
    public static let authenticationFailedMessage =
        "Authentication failed. Send a valid API token (Authorization: Bearer <token>) or an account name with its "
        + "password or token (HTTP Basic)."

    /// How often a token's `lastUsedAt` is written: at most once per this many seconds per token, so a busy client
    /// does not turn every read into a write.
    public static let tokenUseResolution: TimeInterval = 60

    /// Credentials longer than this are refused without any lookup.
    static let maxSecretBytes = 4096

    /// Resolves credentials to the principal they prove, with the grants its account holds now.
    ///
    /// `.bearer` takes an API token; `.basic` an account name with either its password or one of its tokens. Every
    /// call reads the store, so a revoked token, a disabled account or a changed grant takes effect on the next call
    /// on every replica. Expiry is judged by ``clock``. When the account does not exist, a password check of the same
    /// cost still runs (``PasswordHasher/dummyVerify(_:)``). Password and hash comparisons run in constant time.
    /// Authenticating records no event; a token's `lastUsedAt` is updated at most every ``tokenUseResolution``.
    /// A check that needs the slow hash runs only within ``passwordChecks``.
    /// - Throws: `.unauthenticated` with ``authenticationFailedMessage``, for every kind of failure; `.unavailable`
    ///   when ``passwordChecks`` is exhausted (nothing was hashed).
    public func authenticate(_ credentials: Credentials) async throws -> Principal {
        let permit = core.admitUnguarded(.authenticate)
        let now = clock.now()
        switch credentials {
        case .bearer(let secret):
            guard secret.utf8.count <= Self.maxSecretBytes else { throw Self.authenticationFailed() }
            let hash = APIToken.hash(ofSecret: secret)
            let found = try await store.read(permit) { reader -> (Account, [Grant], APIToken)? in
                guard let token = try await reader.token(secretHash: hash),
                    let account = try await reader.account(id: token.accountID)
                else { return nil }
                return (account, try await reader.grants(accountID: account.id), token)
            }
            guard let (account, grants, token) = found, token.isActive(at: now), !account.disabled else {
                throw Self.authenticationFailed()
            }
            await touch(token, now: now, permit)
            var principal = Principal(account: account, grants: grants)
            principal.credentialExpiresAt = token.expiresAt
            return principal
        case .basic(let username, let secret):
            return try await authenticateBasic(username: username, secret: secret, now: now, permit)
        }
    }

    private func authenticateBasic(username: String, secret: String, now: Date, _ permit: Permit) async throws
        -> Principal
    {
        guard secret.utf8.count <= Self.maxSecretBytes, username.utf8.count <= AccountName.maxLength else {
            throw Self.authenticationFailed()
        }
        let tokenHash = secret.hasPrefix(APIToken.secretPrefix) ? APIToken.hash(ofSecret: secret) : nil
        let found = try await store.read(permit) { reader -> (Account, [Grant], APIToken?, String?)? in
            guard let account = try await reader.account(named: username) else { return nil }
            let token = try await tokenHash.asyncMap { try await reader.token(secretHash: $0) }
            return (
                account, try await reader.grants(accountID: account.id), token ?? nil,
                try await reader.passwordHash(accountID: account.id)
            )
        }
        guard let (account, grants, token, passwordHash) = found else {
            try passwordChecks.run { passwords.dummyVerify(secret) }
            throw Self.authenticationFailed()
        }
        // A token of this very account authenticates it; anything else is tried as the password.
        if let token, token.accountID == account.id, token.isActive(at: now), !account.disabled {
            await touch(token, now: now, permit)
            var principal = Principal(account: account, grants: grants)
            principal.credentialExpiresAt = token.expiresAt
            return principal
        }
        let matches: Bool
        if let passwordHash, account.kind == .user {
            if verifiedPasswords.contains(accountID: account.id, storedHash: passwordHash, secret: secret) {
                matches = true
            } else {
                matches = try passwordChecks.run { passwords.verify(secret, against: passwordHash) }
                if matches { verifiedPasswords.insert(accountID: account.id, storedHash: passwordHash, secret: secret) }
            }
        } else {
            try passwordChecks.run { passwords.dummyVerify(secret) }
            matches = false
        }
        guard matches, !account.disabled else { throw Self.authenticationFailed() }
        return Principal(account: account, grants: grants)
    }

    /// Records the token's use, at most every ``tokenUseResolution``. Best effort: a busy store does not fail the
    /// request. Re-reads the token in the transaction so that it never undoes a concurrent revocation.
    private func touch(_ token: APIToken, now: Date, _ permit: Permit) async {
        if let last = token.lastUsedAt, now.timeIntervalSince(last) < Self.tokenUseResolution, now >= last { return }
        _ = try? await store.write(permit) { tx in
            guard var current = try await tx.token(id: token.id) else { return }
            current.lastUsedAt = now
            try await tx.updateToken(current)
        }
    }

    static func authenticationFailed(file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.unauthenticated, authenticationFailedMessage, file: file, line: line)
    }
}

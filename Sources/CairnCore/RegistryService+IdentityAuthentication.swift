import Foundation

/// Authentication (credentials → ``Principal``) and authorization with an audit of refusals.
extension RegistryService {
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
        let now = clock.now()
        switch credentials {
        case .bearer(let secret):
            guard secret.utf8.count <= Self.maxSecretBytes else { throw Self.authenticationFailed() }
            let hash = APIToken.hash(ofSecret: secret)
            let found = try await store.read { reader -> (Account, [Grant], APIToken)? in
                guard let token = try await reader.token(secretHash: hash),
                    let account = try await reader.account(id: token.accountID)
                else { return nil }
                return (account, try await reader.grants(accountID: account.id), token)
            }
            guard let (account, grants, token) = found, token.isActive(at: now), !account.disabled else {
                throw Self.authenticationFailed()
            }
            await touch(token, now: now)
            var principal = Principal(account: account, grants: grants)
            principal.credentialExpiresAt = token.expiresAt
            return principal
        case .basic(let username, let secret):
            return try await authenticateBasic(username: username, secret: secret, now: now)
        }
    }

    private func authenticateBasic(username: String, secret: String, now: Date) async throws -> Principal {
        guard secret.utf8.count <= Self.maxSecretBytes, username.utf8.count <= AccountName.maxLength else {
            throw Self.authenticationFailed()
        }
        let tokenHash = secret.hasPrefix(APIToken.secretPrefix) ? APIToken.hash(ofSecret: secret) : nil
        let found = try await store.read { reader -> (Account, [Grant], APIToken?, String?)? in
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
            await touch(token, now: now)
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
    private func touch(_ token: APIToken, now: Date) async {
        if let last = token.lastUsedAt, now.timeIntervalSince(last) < Self.tokenUseResolution, now >= last { return }
        _ = try? await store.write { tx in
            guard var current = try await tx.token(id: token.id) else { return }
            current.lastUsedAt = now
            try await tx.updateToken(current)
        }
    }

    static func authenticationFailed(file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.unauthenticated, authenticationFailedMessage, file: file, line: line)
    }

    // MARK: Authorization

    /// Checks ``Authorization/decide(_:_:model:)``; when it denies, records an `access.denied` event (actor, the
    /// attempted operation, the reason) in its own transaction and throws.
    ///
    /// `attempted` names the operation for the audit log ("delete model 'fraud'"); it must hold no secret.
    /// - Throws: `.permissionDenied` with the decision's reason; `.unauthenticated` for an anonymous actor
    ///   (``Authorization/refusal(_:_:model:reason:)``).
    public func authorize(_ actor: Principal, _ action: Action, model: String?, attempted: String) async throws {
        guard case .denied(let reason) = Authorization.decide(actor, action, model: model) else { return }
        try await recordDenial(actor: actor, action: action, model: model, attempted: attempted, reason: reason)
        throw Authorization.refusal(actor, action, model: model, reason: reason)
    }

    /// Allows an admin, or the account itself (its own password, tokens and grants list).
    /// - Throws: `.permissionDenied` (recorded as in ``authorize(_:_:model:attempted:)``).
    func authorizeAdminOrSelf(_ actor: Principal, _ account: Account, attempted: String) async throws {
        let isSelf = (actor.kind == .user || actor.kind == .serviceAccount) && actor.id == account.id
        if isSelf { return }
        try await authorize(actor, .administer, model: nil, attempted: attempted)
    }

    /// Appends an `access.denied` event: a refused attempt at a guarded action. Subject: the model when there is one,
    /// else `server`. At most ``DenialLimiter/limit`` per actor and window are written; the next one written after
    /// that says how many were `suppressed`.
    /// - Throws: store failures only.
    public func recordDenial(
        actor: Principal,
        action: Action,
        model: String?,
        attempted: String,
        reason: String
    ) async throws {
        let now = clock.now()
        // Over the actor's bound, the refusal is counted, not written (no transaction at all).
        let admission = denials.admit(actor: actor.name, now: now.timeIntervalSince1970)
        guard admission.record else { return }
        try await store.write { tx in
            let modelID = try await model.asyncMap { try await tx.model(named: $0)?.id } ?? nil
            try await recordDenial(
                tx,
                actor: actor,
                action: action,
                subject: model.map(Self.modelSubject) ?? "server",
                modelID: modelID,
                attempted: attempted,
                reason: reason,
                at: now,
                suppressedBefore: admission.suppressed
            )
        }
    }

    /// Appends `access.denied` inside `tx`, for a refusal decided inside a transaction (by the state it reads): it
    /// commits with the transaction, which then changes nothing else. Past the actor's ``DenialLimiter`` bound the
    /// event is only counted (`suppressedBefore`: the standalone path's admission, already taken).
    func recordDenial(
        _ tx: any MetadataTransaction,
        actor: Principal,
        action: Action,
        subject: String,
        modelID: String?,
        attempted: String,
        reason: String,
        at now: Date,
        suppressedBefore: Int? = nil
    ) async throws {
        var suppressed = suppressedBefore ?? 0
        if suppressedBefore == nil {
            let admission = denials.admit(actor: actor.name, now: now.timeIntervalSince1970)
            guard admission.record else { return }
            suppressed = admission.suppressed
        }
        try await record(
            tx,
            actor: actor,
            .accessDenied(
                .init(
                    action: action,
                    attempted: attempted,
                    reason: reason,
                    suppressed: suppressed > 0 ? suppressed : nil
                )
            ),
            subject: subject,
            modelID: modelID,
            at: now
        )
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

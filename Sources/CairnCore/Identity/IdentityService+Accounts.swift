import Foundation

/// Accounts and grants. Every call here is an admin operation: the actor needs ``Action/administer`` (globally),
/// except where a call says it also serves the account itself. A refused call records an `access.denied` event and
/// throws `.permissionDenied` (`.unauthenticated` for anonymous); a successful change records one event (never a
/// secret or a hash).
extension IdentityService {
    /// Creates a user or service account with no grants and no credentials.
    /// - Throws: `.permissionDenied`, `.invalidArgument` (name), `.alreadyExists`.
    public func createAccount(name: String, kind: PrincipalKind, actor: Principal) async throws -> Account {
        try AccountName.validate(name)
        let permit = try await core.admit(.createAccount, actor, model: nil, attempted: "create account '\(name)'")
        let now = clock.now()
        let account = Account(id: ids.next(), name: name, kind: kind, createdAt: now, createdBy: actor.name)
        return try await store.write(permit) { tx in
            try await tx.insertAccount(account)
            try await record(
                tx,
                actor: actor,
                .accountCreated(.init(id: account.id, kind: kind)),
                subject: Self.accountSubject(name),
                at: now
            )
            return account
        }
    }

    /// Every account, by name.
    /// - Throws: `.permissionDenied`.
    public func accounts(actor: Principal) async throws -> [Account] {
        let permit = try await core.admit(.accounts, actor, model: nil, attempted: "list accounts")
        return try await store.read(permit) { try await $0.accounts() }
    }

    /// One account with its grants; an account may read its own.
    /// - Throws: `.permissionDenied`, `.notFound`.
    public func account(named name: String, actor: Principal) async throws -> (account: Account, grants: [Grant]) {
        let lookup = try core.admitLookup(.account, actor)
        let (account, grants) = try await store.read(lookup) { reader in
            let account = try await requireAccount(reader, name)
            return (account, try await reader.grants(accountID: account.id))
        }
        _ = try await core.admit(.account, actor, account: account, attempted: "read account '\(name)'")
        return (account, grants)
    }

    /// Disables an account: none of its credentials authenticate from the next request on (on every replica). Its
    /// grants and tokens are kept. Idempotent: disabling a disabled account records nothing.
    /// - Throws: `.permissionDenied`, `.notFound`, `.failedPrecondition` (the last enabled global admin).
    public func disableAccount(name: String, actor: Principal) async throws -> Account {
        try await setDisabled(.disableAccount, name: name, true, actor: actor)
    }

    /// Enables a disabled account again. Idempotent.
    /// - Throws: `.permissionDenied`, `.notFound`.
    public func enableAccount(name: String, actor: Principal) async throws -> Account {
        try await setDisabled(.enableAccount, name: name, false, actor: actor)
    }

    private func setDisabled(_ useCase: UseCase, name: String, _ disabled: Bool, actor: Principal) async throws
        -> Account
    {
        let attempted = (disabled ? "disable" : "enable") + " '\(name)'"
        let permit = try await core.admit(useCase, actor, model: nil, attempted: attempted)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var account = try await requireAccount(tx, name)
            if account.disabled == disabled { return account }
            account.disabled = disabled
            account.updatedAt = now
            account.updatedBy = actor.name
            try await tx.updateAccount(account)
            if disabled { try await requireAnotherAdmin(tx, "disable '\(name)'") }
            try await record(
                tx,
                actor: actor,
                disabled ? .accountDisabled(.init(id: account.id)) : .accountEnabled(.init(id: account.id)),
                subject: Self.accountSubject(name),
                at: now
            )
            return account
        }
    }

    /// Sets a user's password (hashed with ``passwords``; the password is never stored or recorded). A user may set
    /// their own, giving `currentPassword`; an admin needs none.
    /// - Throws: `.permissionDenied` (also: one's own password without the right current one, or none set yet),
    ///   `.notFound`, `.unavailable` (password checks saturated), `.invalidArgument` (a service account, or a password shorter than
    ///   ``minimumPasswordLength`` characters or over 1,024 bytes), `.failedPrecondition` (no password hasher).
    public func setPassword(
        accountName: String,
        password: String,
        currentPassword: String? = nil,
        actor: Principal
    ) async throws {
        let lookup = try core.admitLookup(.setPassword, actor)
        let (account, storedHash) = try await store.read(lookup) { reader in
            let account = try await requireAccount(reader, accountName)
            return (account, try await reader.passwordHash(accountID: account.id))
        }
        let permit = try await core.admit(
            .setPassword,
            actor,
            account: account,
            attempted: "set the password of '\(accountName)'"
        )
        guard account.kind == .user else {
            throw RegistryError.invalid("'\(accountName)' is a service account; service accounts use tokens only.")
        }
        guard password.count >= Self.minimumPasswordLength, password.utf8.count <= 1024,
            !password.unicodeScalars.contains(where: { $0.value == 0 })
        else {
            throw RegistryError.invalid(
                "A password must be \(Self.minimumPasswordLength) to 1,024 characters long, without NUL characters."
            )
        }
        // An account changing its own password proves it knows the current one (an admin need not): a stolen
        // short-lived token must not become the account for good.
        if Authorization.decide(actor, .administer, model: nil) != .allowed {
            guard let storedHash, let currentPassword,
                try passwordChecks.run({ passwords.verify(currentPassword, against: storedHash) })
            else {
                throw RegistryError(
                    .permissionDenied,
                    storedHash == nil
                        ? "'\(accountName)' has no password yet; an admin must set the first one."
                        : "Changing your own password needs your current password (`current_password`); it is "
                            + "missing or wrong."
                )
            }
        }
        let encoded = try passwords.hash(password)
        let now = clock.now()
        try await store.write(permit) { tx in
            let current = try await requireAccount(tx, accountName)
            guard current.id == account.id else { throw RegistryError(.notFound, "Account '\(accountName)' changed.") }
            try await tx.setPasswordHash(accountID: account.id, hash: encoded)
            try await record(
                tx,
                actor: actor,
                .accountPasswordSet(.init(id: account.id)),
                subject: Self.accountSubject(accountName),
                at: now
            )
        }
    }

    /// Grants a role to an account. Idempotent: granting a held grant records nothing. Returns the account's grants.
    /// - Throws: `.permissionDenied`, `.notFound`, `.invalidArgument` (scope).
    @discardableResult
    public func grant(_ grant: Grant, to accountName: String, actor: Principal) async throws -> [Grant] {
        try grant.validate()
        let permit = try await core.admit(
            .grant,
            actor,
            model: nil,
            attempted: "grant \(grant.role.rawValue) to '\(accountName)'"
        )
        return try await changeGrant(grant, accountName, added: true, permit)
    }

    /// Revokes a grant. Idempotent. Returns the account's remaining grants.
    /// - Throws: `.permissionDenied`, `.notFound`, `.failedPrecondition` (the last enabled global admin).
    @discardableResult
    public func revoke(_ grant: Grant, from accountName: String, actor: Principal) async throws -> [Grant] {
        let permit = try await core.admit(
            .revoke,
            actor,
            model: nil,
            attempted: "revoke \(grant.role.rawValue) from '\(accountName)'"
        )
        return try await changeGrant(grant, accountName, added: false, permit)
    }

    private func changeGrant(_ grant: Grant, _ name: String, added: Bool, _ permit: Permit) async throws -> [Grant] {
        let actor = permit.actor
        let now = clock.now()
        return try await store.write(permit) { tx in
            let account = try await requireAccount(tx, name)
            let changed =
                added
                ? try await tx.insertGrant(accountID: account.id, grant: grant)
                : try await tx.deleteGrant(accountID: account.id, grant: grant)
            if changed {
                if !added { try await requireAnotherAdmin(tx, "revoke that grant from '\(name)'") }
                let change = RegistryEvent.GrantChanged(id: account.id, role: grant.role, scope: grant.scopeDescription)
                try await record(
                    tx,
                    actor: actor,
                    added ? .grantAdded(change) : .grantRevoked(change),
                    subject: Self.accountSubject(name),
                    at: now
                )
            }
            return try await tx.grants(accountID: account.id)
        }
    }

    // MARK: Shared helpers

    /// The shortest password accepted, in characters.
    public static let minimumPasswordLength = 12

    static func accountSubject(_ name: String) -> String { "account/\(name)" }

    func requireAccount(_ reader: Reader, _ name: String) async throws -> Account {
        guard let account = try await reader.account(named: name) else {
            throw RegistryError(.notFound, "Account '\(name)' does not exist. List accounts with `cairn users list`.")
        }
        return account
    }

    /// Refuses a change that would leave no enabled account with a global admin grant (nobody could fix it).
    func requireAnotherAdmin(_ tx: Transaction, _ what: String) async throws {
        for id in try await tx.accountIDs(holding: Grant(.admin)) {
            if let account = try await tx.account(id: id), !account.disabled { return }
        }
        throw RegistryError(
            .failedPrecondition,
            "Cannot \(what): no other enabled account would hold a global admin grant. Grant admin to another "
                + "account first."
        )
    }
}

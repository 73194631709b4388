import CairnCore
import Foundation

/// The identity tables of the in-memory store, as values.
struct IdentityTables: Sendable {
    /// By id.
    var accounts: [String: Account] = [:]
    /// Encoded password hashes by account id.
    var passwords: [String: String] = [:]
    /// By account id.
    var grants: [String: Set<Grant>] = [:]
    /// By id.
    var tokens: [String: APIToken] = [:]
    /// Token id by secret hash.
    var tokenHashes: [String: String] = [:]
}

// MARK: - State

extension InMemoryState {
    func account(named name: String) -> Account? { identity.accounts.values.first { same($0.name, name) } }

    func tokens(accountID: String) -> [APIToken] {
        identity.tokens.values.filter { $0.accountID == accountID }
            .sorted { a, b in
                a.createdAt != b.createdAt ? a.createdAt < b.createdAt : precedes(Array(a.id.utf8), Array(b.id.utf8))
            }
    }

    func requireAccount(_ id: String) throws {
        guard identity.accounts[id] != nil else {
            throw RegistryError(.notFound, "No account has the id \(id); it may have been removed.")
        }
    }

    mutating func insertAccount(_ account: Account) throws {
        if identity.accounts[account.id] != nil || self.account(named: account.name) != nil {
            throw RegistryError(
                .alreadyExists,
                "An account named '\(account.name)' (or with the id \(account.id)) already exists. Choose another name."
            )
        }
        var account = account
        account.createdAt = millis(account.createdAt)
        account.updatedAt = millis(account.updatedAt)
        identity.accounts[account.id] = account
    }

    mutating func updateAccount(_ account: Account) throws {
        try requireAccount(account.id)
        identity.accounts[account.id]!.disabled = account.disabled
        identity.accounts[account.id]!.updatedBy = account.updatedBy
        identity.accounts[account.id]!.updatedAt = millis(account.updatedAt)
    }

    mutating func insertToken(_ token: APIToken, secretHash: String) throws {
        try requireAccount(token.accountID)
        if identity.tokens[token.id] != nil || identity.tokenHashes[secretHash] != nil {
            throw RegistryError(.alreadyExists, "A token with the id \(token.id) or the same secret already exists.")
        }
        var token = token
        token.createdAt = millis(token.createdAt)
        token.expiresAt = token.expiresAt.map(millis)
        token.revokedAt = token.revokedAt.map(millis)
        token.lastUsedAt = token.lastUsedAt.map(millis)
        identity.tokens[token.id] = token
        identity.tokenHashes[secretHash] = token.id
    }

    mutating func updateToken(_ token: APIToken) throws {
        guard identity.tokens[token.id] != nil else {
            throw RegistryError(.notFound, "No API token has the id \(token.id). List tokens with `cairn tokens list`.")
        }
        identity.tokens[token.id]!.revokedAt = token.revokedAt.map(millis)
        identity.tokens[token.id]!.lastUsedAt = token.lastUsedAt.map(millis)
    }
}

// MARK: - The port

extension InMemoryMetadataStore.Reader {
    func account(id: String) async throws -> Account? { state.identity.accounts[id] }
    func account(named name: String) async throws -> Account? { state.account(named: name) }
    func accounts() async throws -> [Account] {
        state.identity.accounts.values.sorted { precedes(Array($0.name.utf8), Array($1.name.utf8)) }
    }
    func passwordHash(accountID: String) async throws -> String? { state.identity.passwords[accountID] }
    func grants(accountID: String) async throws -> [Grant] { (state.identity.grants[accountID] ?? []).sorted() }
    func accountIDs(holding grant: Grant) async throws -> [String] {
        state.identity.grants.filter { $0.value.contains(grant) }.keys.sorted {
            precedes(Array($0.utf8), Array($1.utf8))
        }
    }
    func token(id: String) async throws -> APIToken? { state.identity.tokens[id] }
    func token(secretHash: String) async throws -> APIToken? {
        state.identity.tokenHashes[secretHash].flatMap { state.identity.tokens[$0] }
    }
    func tokens(accountID: String) async throws -> [APIToken] { state.tokens(accountID: accountID) }
}

extension InMemoryMetadataStore.Transaction {
    func account(id: String) async throws -> Account? { try await reader().account(id: id) }
    func account(named name: String) async throws -> Account? { try await reader().account(named: name) }
    func accounts() async throws -> [Account] { try await reader().accounts() }
    func passwordHash(accountID: String) async throws -> String? {
        try await reader().passwordHash(accountID: accountID)
    }
    func grants(accountID: String) async throws -> [Grant] { try await reader().grants(accountID: accountID) }
    func accountIDs(holding grant: Grant) async throws -> [String] { try await reader().accountIDs(holding: grant) }
    func token(id: String) async throws -> APIToken? { try await reader().token(id: id) }
    func token(secretHash: String) async throws -> APIToken? { try await reader().token(secretHash: secretHash) }
    func tokens(accountID: String) async throws -> [APIToken] { try await reader().tokens(accountID: accountID) }

    func insertAccount(_ account: Account) async throws { try await mutate { try $0.insertAccount(account) } }
    func updateAccount(_ account: Account) async throws { try await mutate { try $0.updateAccount(account) } }
    func setPasswordHash(accountID: String, hash: String) async throws {
        try await mutate { state in
            try state.requireAccount(accountID)
            state.identity.passwords[accountID] = hash
        }
    }
    func insertGrant(accountID: String, grant: Grant) async throws -> Bool {
        try await mutate { state in
            try state.requireAccount(accountID)
            return state.identity.grants[accountID, default: []].insert(grant).inserted
        }
    }
    func deleteGrant(accountID: String, grant: Grant) async throws -> Bool {
        try await mutate { $0.identity.grants[accountID]?.remove(grant) != nil }
    }
    func insertToken(_ token: APIToken, secretHash: String) async throws {
        try await mutate { try $0.insertToken(token, secretHash: secretHash) }
    }
    func updateToken(_ token: APIToken) async throws { try await mutate { try $0.updateToken(token) } }
}

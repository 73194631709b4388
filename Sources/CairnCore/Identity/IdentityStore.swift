import Foundation

/// Identity queries of the metadata store: accounts, password hashes, grants and API tokens. Part of
/// ``MetadataReader``, so identity changes commit in the same transaction as their event.
///
/// Account names compare exactly (code points). Stores never decide who may do what; ``Authorization`` does.
public protocol IdentityReader: Sendable {
    /// The account with this id.
    func account(id: String) async throws -> Account?
    /// The account with exactly this name.
    func account(named name: String) async throws -> Account?
    /// Every account, by name (code points).
    func accounts() async throws -> [Account]
    /// The encoded password hash of an account, or `nil` when it has none.
    func passwordHash(accountID: String) async throws -> String?
    /// The grants of an account, by role, then scope kind (global, model, prefix), then name.
    func grants(accountID: String) async throws -> [Grant]
    /// The ids of every account holding exactly `grant`, ascending.
    func accountIDs(holding grant: Grant) async throws -> [String]
    /// The token with this id.
    func token(id: String) async throws -> APIToken?
    /// The token whose secret hashes to `secretHash` (``APIToken/hash(ofSecret:)``): an indexed lookup.
    func token(secretHash: String) async throws -> APIToken?
    /// The tokens of an account, revoked and expired ones included, by creation time then id.
    func tokens(accountID: String) async throws -> [APIToken]
}

/// Identity writes, available inside ``MetadataStore/write(_:)``.
///
/// Writes about an account that does not exist throw `.notFound`; a taken account name or id, token id or token
/// hash throws `.alreadyExists`. Times are kept to the millisecond.
public protocol IdentityTransaction: IdentityReader {
    /// Inserts an account. Throws `.alreadyExists` when the name or id is taken.
    func insertAccount(_ account: Account) async throws
    /// Updates `disabled` and updated-at/by. Throws `.notFound`.
    func updateAccount(_ account: Account) async throws
    /// Sets (or replaces) an account's encoded password hash. Throws `.notFound`.
    func setPasswordHash(accountID: String, hash: String) async throws
    /// Adds a grant; returns `false` (changing nothing) when the account already holds it. Throws `.notFound`.
    func insertGrant(accountID: String, grant: Grant) async throws -> Bool
    /// Removes a grant; returns whether the account held it.
    func deleteGrant(accountID: String, grant: Grant) async throws -> Bool
    /// Inserts a token with the hash of its secret (never the secret). Throws `.notFound` (account),
    /// `.alreadyExists` (id or hash).
    func insertToken(_ token: APIToken, secretHash: String) async throws
    /// Updates `revokedAt` and `lastUsedAt` of a token. Throws `.notFound`.
    func updateToken(_ token: APIToken) async throws
}

import Foundation

/// Accounts, their grants and API tokens, and authentication of a request's credentials.
///
/// Its port reads and writes identity rows and events, and nothing of the catalog or tracking.
public struct IdentityService: RegistryArea {
    public typealias Reader = any IdentityReader
    public typealias Transaction = any IdentityTransaction & EventLogWriter

    let core: ServiceCore
    let store: StorePort<Reader, Transaction>
    /// Hashes and verifies passwords (production: `PBKDF2PasswordHasher`).
    public let passwords: any PasswordHasher
    /// Successful password verifications, so HTTP Basic costs one slow hash per password, not one per request.
    let verifiedPasswords = VerifiedPasswordMemo()
    /// Bounds the slow password hashes running at once (see ``PasswordCheckBudget``).
    public let passwordChecks: PasswordCheckBudget

    init(core: ServiceCore, passwords: any PasswordHasher, passwordChecks: PasswordCheckBudget) {
        self.core = core
        self.store = core.port(reader: { $0 }, transaction: { $0 })
        self.passwords = passwords
        self.passwordChecks = passwordChecks
    }
}

/// The port to a slow, salted password hash (production: `PBKDF2PasswordHasher` in CairnCredentials).
///
/// Encoded hashes are self-describing (`pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`), so the cost can be
/// raised later and old hashes still verify.
public protocol PasswordHasher: Sendable {
    /// Hashes `password` with a fresh random salt.
    /// - Throws: `.failedPrecondition` when this server cannot store passwords.
    func hash(_ password: String) throws -> String
    /// Whether `password` matches `encoded`, compared in constant time. A malformed `encoded` never matches.
    func verify(_ password: String, against encoded: String) -> Bool
    /// Spends the same work as a ``verify(_:against:)`` at the current cost and discards the result: called when
    /// the user does not exist, so response times do not reveal which names exist.
    func dummyVerify(_ password: String)
}

/// The hasher of a server that accepts no passwords (the default of `RegistryService`): tokens only.
public struct NoPasswordHasher: PasswordHasher {
    public init() {}

    /// - Throws: `.failedPrecondition` always.
    public func hash(_ password: String) throws -> String {
        throw RegistryError(
            .failedPrecondition,
            "This server is not configured to store passwords; authenticate with API tokens instead."
        )
    }

    public func verify(_ password: String, against encoded: String) -> Bool { false }
    public func dummyVerify(_ password: String) {}
}

/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` are equal, looking at every byte of both (only the lengths leak, which are public).
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// What a request presented to prove who it is.
public enum Credentials: Sendable, Hashable {
    /// `Authorization: Bearer <token>` (what the mlflow client sends for `MLFLOW_TRACKING_TOKEN`).
    case bearer(String)
    /// HTTP Basic: an account name and its password or one of its API tokens.
    case basic(username: String, secret: String)
}

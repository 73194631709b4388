import CairnCore
import Synchronization

/// A `PasswordHasher` for tests: one salted SHA-256 (fast, *not* slow on purpose), counting its calls so tests can
/// check that a failed login for an unknown user still spends a verification.
///
/// Encoded form: `fake-sha256$<salt>$<hex>`. Never use it outside tests.
public final class FastPasswordHasher: PasswordHasher {
    private let counts = Mutex((hashes: 0, verifications: 0, dummies: 0))
    private let salts = Mutex(0)

    public init() {}

    /// How many times ``hash(_:)``, ``verify(_:against:)`` and ``dummyVerify(_:)`` ran.
    public var calls: (hashes: Int, verifications: Int, dummies: Int) { counts.withLock { $0 } }

    public func hash(_ password: String) throws -> String {
        counts.withLock { $0.hashes += 1 }
        let salt =
            "s"
            + String(
                salts.withLock {
                    $0 += 1; return $0
                }
            )
        return "fake-sha256$\(salt)$" + Self.digest(salt, password)
    }

    public func verify(_ password: String, against encoded: String) -> Bool {
        counts.withLock { $0.verifications += 1 }
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "fake-sha256" else { return false }
        return ConstantTime.equals(Self.digest(String(parts[1]), password).utf8, parts[2].utf8)
    }

    public func dummyVerify(_ password: String) {
        counts.withLock { $0.dummies += 1 }
        _ = Self.digest("dummy", password)
    }

    private static func digest(_ salt: String, _ password: String) -> String {
        Digest.of(Array((salt + "\u{0}" + password).utf8)).hex
    }
}

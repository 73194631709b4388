import CairnCore
import Crypto
import Foundation

/// Passwords hashed with PBKDF2-HMAC-SHA256 (RFC 8018), salted with 16 random bytes.
///
/// Encoded form: `pbkdf2-sha256$<iterations>$<salt, base64>$<32-byte hash, base64>` (standard base64 with padding).
/// The iteration count travels with each hash, so raising ``iterations`` later keeps old hashes verifiable.
/// Verification compares in constant time; ``dummyVerify(_:)`` spends the cost of one verification.
public struct PBKDF2PasswordHasher: PasswordHasher {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000
    /// The prefix of every hash this type writes.
    public static let scheme = "pbkdf2-sha256"
    /// Encoded hashes claiming more iterations than this are refused (they would stall the server).
    public static let maxIterations = 10_000_000

    /// The iteration count of new hashes (and of ``dummyVerify(_:)``).
    public let iterations: Int

    /// - Parameter iterations: at least 1; production keeps the default, tests may use a few.
    public init(iterations: Int = PBKDF2PasswordHasher.defaultIterations) {
        precondition((1...Self.maxIterations).contains(iterations), "PBKDF2 iterations must be 1...10,000,000")
        self.iterations = iterations
    }

    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let derived = Self.derive(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        return [Self.scheme, String(iterations), Data(salt).base64EncodedString(), Data(derived).base64EncodedString()]
            .joined(separator: "$")
    }

    public func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme,
            let rounds = Int(parts[1]), (1...Self.maxIterations).contains(rounds),
            let salt = Data(base64Encoded: String(parts[2])),
            let expected = Data(base64Encoded: String(parts[3])), (16...64).contains(expected.count)
        else { return false }
        let derived = Self.derive(
            password: Array(password.utf8),
            salt: Array(salt),
            iterations: rounds,
            length: expected.count
        )
        return ConstantTime.equals(derived, expected)
    }

    public func dummyVerify(_ password: String) {
        let derived = Self.derive(
            password: Array(password.utf8),
            salt: Self.dummySalt,
            iterations: iterations,
            length: 32
        )
        _ = ConstantTime.equals(derived, derived)
    }

    private static let dummySalt = Array("cairn-dummy-salt".utf8)

    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2): `length` bytes derived from `password` and `salt`.
    public static func derive(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        precondition(iterations >= 1 && length >= 1, "PBKDF2 needs at least one iteration and one byte")
        // The keyed HMAC state is built once and copied per iteration (HMAC is a copy-on-write value). The running
        // XOR is kept in four 64-bit words: the loop runs hundreds of thousands of times per hash.
        let keyed = HMAC<SHA256>(key: SymmetricKey(data: password))
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var block: UInt32 = 1
        var u = [UInt8](repeating: 0, count: 32)
        while output.count < length {
            var mac = keyed
            mac.update(data: salt)
            mac.update(data: withUnsafeBytes(of: block.bigEndian) { Array($0) })
            var t: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            func absorb(_ code: HashedAuthenticationCode<SHA256>) {
                code.withUnsafeBytes { raw in
                    t.0 ^= raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                    t.1 ^= raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    t.2 ^= raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                    t.3 ^= raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                    u.withUnsafeMutableBytes { $0.copyMemory(from: raw) }
                }
            }
            absorb(mac.finalize())
            for _ in 1..<iterations {
                var next = keyed
                next.update(data: u)
                absorb(next.finalize())
            }
            withUnsafeBytes(of: &t) { output += $0.prefix(length - output.count) }
            block += 1
        }
        return output
    }
}

import CairnCore
import Foundation
import Testing

@testable import CairnCredentials

@Suite("PBKDF2PasswordHasher")
struct PBKDF2PasswordHasherTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var password: String
        var salt: String
        var iterations: Int
        var hex: String
        var testDescription: String { "\(password)/\(salt)/\(iterations)/\(hex.count / 2) bytes" }
    }

    /// RFC 7914 §11 (PBKDF2-HMAC-SHA256) and the widely published SHA-256 analogues of the RFC 6070 vectors.
    static let vectors: [Vector] = [
        Vector(
            password: "passwd",
            salt: "salt",
            iterations: 1,
            hex: "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        ),
        Vector(
            password: "Password",
            salt: "NaCl",
            iterations: 80000,
            hex: "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        ),
        Vector(
            password: "password",
            salt: "salt",
            iterations: 1,
            hex: "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"
        ),
        Vector(
            password: "password",
            salt: "salt",
            iterations: 2,
            hex: "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"
        ),
        Vector(
            password: "password",
            salt: "salt",
            iterations: 4096,
            hex: "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"
        ),
        Vector(
            password: "passwordPASSWORDpassword",
            salt: "saltSALTsaltSALTsaltSALTsaltSALTsalt",
            iterations: 4096,
            hex: "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"
        ),
    ]

    @Test("derives the published PBKDF2-HMAC-SHA256 test vectors", arguments: vectors)
    func knownVectors(_ vector: Vector) {
        let derived = PBKDF2PasswordHasher.derive(
            password: Array(vector.password.utf8),
            salt: Array(vector.salt.utf8),
            iterations: vector.iterations,
            length: vector.hex.count / 2
        )
        #expect(derived.map { String(format: "%02x", $0) }.joined() == vector.hex)
    }

    @Test("a hash is self-describing, salted, and verifies only the right password")
    func hashAndVerify() throws {
        let hasher = PBKDF2PasswordHasher(iterations: 3)
        let first = try hasher.hash("correct horse battery")
        let second = try hasher.hash("correct horse battery")
        let parts = first.split(separator: "$")
        #expect(parts.count == 4 && parts[0] == "pbkdf2-sha256" && parts[1] == "3")
        #expect(first != second, "a fresh salt every time")
        #expect(hasher.verify("correct horse battery", against: first))
        #expect(hasher.verify("correct horse battery", against: second))
        #expect(!hasher.verify("correct horse batterY", against: first))
        #expect(!hasher.verify("", against: first))
    }

    @Test("a hash made with another cost still verifies: the cost travels with the hash")
    func costTravels() throws {
        let old = try PBKDF2PasswordHasher(iterations: 2).hash("a long enough password")
        #expect(PBKDF2PasswordHasher(iterations: 5).verify("a long enough password", against: old))
    }

    @Test(
        "malformed or hostile encoded hashes never verify",
        arguments: [
            "", "pbkdf2-sha256", "pbkdf2-sha256$1$c2FsdA==", "bcrypt$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha256$0$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAA==", "pbkdf2-sha256$-5$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha256$99999999999$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha256$1$!!$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha256$1$c2FsdA==$AA==", "pbkdf2-sha256$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAA==$extra",
        ]
    )
    func malformed(_ encoded: String) {
        #expect(!PBKDF2PasswordHasher(iterations: 1).verify("password", against: encoded))
    }

    @Test("dummyVerify spends about the cost of a real verification")
    func dummyCost() throws {
        let hasher = PBKDF2PasswordHasher(iterations: 20_000)
        let encoded = try hasher.hash("a long enough password")
        let clock = ContinuousClock()
        let real = clock.measure { _ = hasher.verify("wrong password!!", against: encoded) }
        let dummy = clock.measure { hasher.dummyVerify("wrong password!!") }
        let ratio =
            (Double(dummy.components.attoseconds) / 1e18 + Double(dummy.components.seconds))
            / (Double(real.components.attoseconds) / 1e18 + Double(real.components.seconds))
        #expect(ratio > 0.3 && ratio < 3, "dummy \(dummy) vs real \(real)")
    }

    @Test("the default cost: measures milliseconds per hash")
    func defaultCost() throws {
        let hasher = PBKDF2PasswordHasher()
        #expect(hasher.iterations == PBKDF2PasswordHasher.defaultIterations)
        let clock = ContinuousClock()
        var encoded = ""
        let elapsed = try clock.measure { encoded = try hasher.hash("a long enough password") }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("PBKDF2-HMAC-SHA256 at \(hasher.iterations) iterations: \(Int(ms)) ms per hash")
        #expect(encoded.hasPrefix("pbkdf2-sha256$\(PBKDF2PasswordHasher.defaultIterations)$"))
    }
}

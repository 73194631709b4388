import Foundation
import Testing

@testable import CairnCore

@Suite("Page tokens")
struct PageTokenTests {
    @Test(
        "a token decodes to the key it was made from",
        arguments: ["", "model", "日本語モデル", "a/b+c=d", "my model", "42", String(repeating: "x", count: 1000)]
    )
    func roundTrips(key: String) throws {
        let token = PageToken.encode(key)
        #expect(try PageToken.decode(token) == key)
        #expect(!token.contains("+") && !token.contains("/") && !token.contains("="), "tokens are URL-safe")
    }

    static let notAKeyToken = Data("x:abc".utf8).base64EncodedString()
    static let invalidUTF8Token = Data([0x6B, 0x3A, 0xFF, 0xFE]).base64EncodedString()

    @Test(
        "garbage tokens are refused with a message that says to pass the previous token back unchanged",
        arguments: [
            "", "!!!", "not base64 ©", "a", PageTokenTests.notAKeyToken, PageTokenTests.invalidUTF8Token, "k:abc",
            String(repeating: "A", count: 2052), PageToken.encode(String(repeating: "x", count: 1600)),
        ]
    )
    func refusesGarbage(token: String) {
        let error = expectInvalid { _ = try PageToken.decode(token) }
        #expect(error?.message.contains("next_page_token") == true)
    }

    @Test("page sizes default to 100 and must lie in 1...1000")
    func limits() throws {
        #expect(try PageToken.limit(nil) == 100)
        #expect(try PageToken.limit(1) == 1)
        #expect(try PageToken.limit(1000) == 1000)
        for bad in [0, -1, 1001, Int.max] {
            expectInvalid { _ = try PageToken.limit(bad) }
        }
    }
}

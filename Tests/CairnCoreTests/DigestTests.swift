import CairnCore
import Foundation
import Testing

@Suite("Digests")
struct DigestTests {
    static let abcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test("parses the canonical form and the bare hex form, in any case, to lowercase hex")
    func parses() throws {
        let canonical = try Digest(parsing: "sha256:" + Self.abcHex)
        let bare = try Digest(parsing: Self.abcHex)
        let upper = try Digest(parsing: "sha256:" + Self.abcHex.uppercased())
        #expect(canonical == bare)
        #expect(upper == canonical)
        #expect(upper.hex == Self.abcHex)
        #expect(canonical.description == "sha256:" + Self.abcHex)
    }

    @Test(
        "refuses anything that is not 64 hex digits, optionally after 'sha256:'",
        arguments: [
            "", "sha256:", String(DigestTests.abcHex.dropLast()), DigestTests.abcHex + "0",
            "sha256:" + String(repeating: "g", count: 64),
            "sha512:" + DigestTests.abcHex, "SHA256:" + DigestTests.abcHex, " sha256:" + DigestTests.abcHex,
            "sha256:" + DigestTests.abcHex + " ", "sha256: " + DigestTests.abcHex,
            "sha256:sha256:" + DigestTests.abcHex, String(repeating: "\u{FF10}", count: 64),
            "md5:d41d8cd98f00b204e9800998ecf8427e",
        ]
    )
    func refusesGarbage(text: String) {
        let error = expectInvalid { _ = try Digest(parsing: text) }
        #expect(error?.message.contains("sha256:") == true, "the message shows the accepted form")
    }

    @Test("builds from raw bytes and from content")
    func buildsFromBytes() throws {
        #expect(Digest(rawBytes: [UInt8](repeating: 0xAB, count: 32)).hex == String(repeating: "ab", count: 32))
        #expect(Digest.of(bytes("abc")).hex == Self.abcHex)
        #expect(Digest.of([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("orders by hex and round-trips through JSON as the canonical string")
    func codableAndComparable() throws {
        let low = try Digest(parsing: String(repeating: "0", count: 64))
        let high = try Digest(parsing: String(repeating: "f", count: 64))
        #expect(low < high)
        let data = try JSONEncoder().encode([high])
        #expect(String(decoding: data, as: UTF8.self) == "[\"sha256:\(high.hex)\"]")
        #expect(try JSONDecoder().decode([Digest].self, from: data) == [high])
    }

    @Test("decoding a malformed digest from JSON fails with a data-corrupted error")
    func decodingGarbageFails() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Digest].self, from: Data("[\"sha256:nothex\"]".utf8))
        }
    }
}

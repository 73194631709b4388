import CairnCore
import Foundation
import Testing

@Suite("Manifest paths")
struct ManifestPathTests {
    /// 255 + 255 + 255 + 200 + 55 bytes and four separators: exactly 1,024 bytes.
    static let longestPath = [255, 255, 255, 200, 55].map { String(repeating: "p", count: $0) }.joined(separator: "/")
    static let longestSegment = "dir/" + String(repeating: "s", count: 255)

    @Test(
        "accepts relative, normalized paths, nested or not, in any script",
        arguments: [
            "model.pkl", "MLmodel", "data/model/weights.bin", "a/b/c/d/e/f.txt", "résumé/файл.txt", ".hidden",
            "dir/.config", "a..b", "...", "x/..y", "y../x", "file name.txt", "a/b:c", "a/~tilde-not-first",
            ManifestPathTests.longestPath, ManifestPathTests.longestSegment,
        ]
    )
    func acceptsValidPaths(path: String) throws {
        #expect(try ManifestPath.validate(path) == path)
    }

    @Test("the limits are 1,024 bytes per path and 255 bytes per segment")
    func limits() {
        #expect(Self.longestPath.utf8.count == 1024)
        expectInvalid { try ManifestPath.validate(Self.longestPath + "e") }
        expectInvalid { try ManifestPath.validate("dir/" + String(repeating: "s", count: 256)) }
        // Bytes, not characters: 128 two-byte characters make a 256-byte segment.
        expectInvalid { try ManifestPath.validate(String(repeating: "é", count: 128)) }
    }

    @Test(
        "refuses traversal, absolute, home and drive paths, whatever the spelling",
        arguments: [
            "", ".", "..", "../x", "a/..", "a/../b", "./a", "a/./b", "a/.", "/etc/passwd", "/", "a\\b", "..\\x",
            "a//b", "a/", "//server/share", "%2e%2e/x", "a%2Fb", "%2F", "100%", "\u{FF0E}\u{FF0E}/x",
            "a/\u{FF0E}\u{FF0E}", "\u{FF0E}", "\u{2025}/x", "\u{FE52}\u{FE52}/x", "C:x", "c:/windows", "~/x", "~",
            " a", "a /b", "dir/b ", "a\u{0}b", "a\u{1F}b", "a\nb", "a\u{202E}b", "a\u{FFFD}b",
            // A combining mark makes one Character with the separator before it; the byte is still there.
            "a\\\u{65D}b", "o\u{65D}\\\u{65D}/x", "/\u{301}etc", "a//\u{301}", "~\u{301}/x", "C:\u{301}x",
            "a/.\u{200D}", "%\u{301}2e",
        ]
    )
    func refusesUnsafePaths(path: String) {
        expectInvalid { try ManifestPath.validate(path) }
    }

    @Test(
        "refuses overlong and invalid UTF-8 once decoded (U+FFFD)",
        arguments: [[0xC0, 0xAE, 0xC0, 0xAE, 0x2F, 0x78], [0x61, 0xC0, 0xAF, 0x62], [0x61, 0xFF, 0x62]] as [[UInt8]]
    )
    func refusesUndecodableBytes(raw: [UInt8]) {
        let decoded = String(decoding: raw, as: UTF8.self)
        #expect(decoded.unicodeScalars.contains("\u{FFFD}"))
        expectInvalid { try ManifestPath.validate(decoded) }
    }

    @Test("a refused path is quoted (shortened) in the message so the caller can find it")
    func messageQuotesThePath() {
        let error = expectInvalid { try ManifestPath.validate("a/../b") }
        #expect(error?.message.contains("a/../b") == true)
        let long = String(repeating: "x", count: 300) + "/.."
        let shortened = expectInvalid { try ManifestPath.validate(long) }
        #expect((shortened?.message.count ?? 0) < 300)
    }

    @Test(
        "refuses paths whose Unicode compatibility form is unsafe, not only '．．' segments",
        .bug(id: "core-manifestpath-nfkc", "only whole '.'/'..' segments are folded; folded separators slip through"),
        arguments: [
            "\u{FF0E}\u{FF0E}\u{FF0F}x", "a\u{FF0F}\u{FF0E}\u{FF0E}\u{FF0F}b", "\u{FF0E}\u{FF0E}\u{FF3C}x",
            "\u{FF0F}etc\u{FF0F}passwd", "\u{FF05}2e\u{FF05}2e/x", "\u{FF43}\u{FF1A}x",
        ]
    )
    func refusesFoldedTraversal(path: String) {
        // A client that normalizes names (NFKC, or Windows "best fit" code-page conversion) turns these into
        // '../x', 'a/../b', '..\\x', '/etc/passwd', '%2e%2e/x' and 'c:x'.
        let folded = path.precomposedStringWithCompatibilityMapping
        #expect(folded.unicodeScalars.allSatisfy { $0.isASCII })
        expectInvalid { try ManifestPath.validate(path) }
    }
}

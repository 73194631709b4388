import CairnCore
import Testing

@Suite("SHA-256 (FIPS 180-4)")
struct SHA256HasherTests {
    static func hex(_ message: some Sequence<UInt8>) -> String {
        var hasher = SHA256Hasher()
        hasher.update(message)
        return Digest(rawBytes: hasher.finalize()).hex
    }

    @Test(
        "matches the FIPS 180-2 example vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                    + "mnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
    )
    func fipsVectors(message: String, expected: String) {
        #expect(Self.hex(message.utf8) == expected)
    }

    @Test("hashes one million 'a' characters")
    func oneMillionA() {
        var hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000)
        for _ in 0..<100 { hasher.update(chunk) }
        #expect(
            Digest(rawBytes: hasher.finalize()).hex
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }

    @Test(
        "pads correctly at every block boundary",
        arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        ]
    )
    func blockBoundaries(count: Int, expected: String) {
        #expect(Self.hex([UInt8](repeating: UInt8(ascii: "a"), count: count)) == expected)
    }

    @Test(
        "gives the same hash however the input is split across updates",
        arguments: [1, 7, 63, 64, 65, 127, 128, 129, 333, 999]
    )
    func splitUpdates(split: Int) {
        let message = (0..<1000).map { UInt8($0 % 251) }
        let expected = "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"
        #expect(Self.hex(message) == expected)
        var twoParts = SHA256Hasher()
        twoParts.update(message[..<split])
        twoParts.update(message[split...])
        #expect(Digest(rawBytes: twoParts.finalize()).hex == expected)
        var chunked = SHA256Hasher()
        for start in stride(from: 0, to: message.count, by: split) {
            chunked.update(message[start..<min(start + split, message.count)])
        }
        chunked.update([])
        #expect(Digest(rawBytes: chunked.finalize()).hex == expected)
    }
}

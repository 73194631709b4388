import Foundation
import Testing

@testable import CairnCore

@Suite("Version archives: ustar with PAX where ustar cannot say it")
struct TarArchiveTests {
    func entry(_ path: String, size: Int64) -> ManifestEntry {
        ManifestEntry(path: path, digest: Digest.of(Array(path.utf8)), size: size, mediaType: MediaType.octetStream)
    }

    /// The text of a NUL-terminated or full field.
    func field(_ block: ArraySlice<UInt8>) -> String {
        String(decoding: block.prefix { $0 != 0 }, as: UTF8.self)
    }

    @Test("files of 8 GiB and more get a PAX size record; the ustar size field never spills into mtime")
    func largeSizes() throws {
        for size: Int64 in [0o77777777777 + 1, 64 << 30, 1 << 40, Int64.max / 2] {
            let header = TarArchive.header(
                for: entry("weights.bin", size: size),
                modified: Date(timeIntervalSince1970: 0)
            )
            #expect(header.count == 3 * 512, "PAX header, its record block, the file header")
            #expect(header[156] == UInt8(ascii: "x"))
            let record = field(header[512..<1024])
            #expect(record.contains(" size=\(size)\n"))
            #expect(Int(record.prefix { $0 != " " }) == record.utf8.count, "a PAX record's length counts itself")
            let file = header[1024..<1536]
            #expect(field(file[file.startIndex..<file.startIndex + 100]) == "weights.bin")
            #expect(field(file[(file.startIndex + 124)..<(file.startIndex + 136)]) == "00000000000")
            #expect(field(file[(file.startIndex + 136)..<(file.startIndex + 148)]) == "00000000000", "mtime intact")
        }
        let small = TarArchive.header(
            for: entry("w.bin", size: 0o77777777777),
            modified: Date(timeIntervalSince1970: 0)
        )
        #expect(small.count == 512)
    }

    @Test("the fallback name of a PAX path never starts with / or ../, and is valid UTF-8")
    func fallbackNames() {
        let long = String(repeating: "a", count: 120)
        for path in [
            "\(long)/..x/\(long)..", "d/" + String(repeating: "é", count: 80), "\(long)/\(long)/x..",
            String(repeating: "b/", count: 200) + "c",
            "x/" + String(repeating: ".", count: 2) + String(repeating: "y", count: 150),
        ] {
            let name = TarArchive.fallbackName(Array(path.utf8))
            let text = String(decoding: name, as: UTF8.self)
            #expect(!name.isEmpty && name.count <= 99)
            #expect(!text.hasPrefix("/") && !text.hasPrefix("../") && text != ".." && text != ".")
            #expect(Array(text.utf8) == name, "cut at a UTF-8 boundary")
        }
    }

    @Test("the declared archive length matches the header bytes for long paths and large files")
    func lengths() {
        let entries = [entry(String(repeating: "p/", count: 120) + "f", size: 10), entry("big.bin", size: 9 << 30)]
        let headers = entries.map { TarArchive.header(for: $0, modified: Date(timeIntervalSince1970: 0)).count }
        let expected = Int64(headers.reduce(0, +)) + TarArchive.padded(10) + TarArchive.padded(9 << 30) + 1024
        #expect(TarArchive.length(of: entries) == expected)
    }
}

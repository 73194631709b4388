import CairnClient
import Foundation
import Testing

@Suite("pull and push stay inside their directory")
struct CLIPathSafetyTests {
    @Test(
        "hostile paths from a server are refused before anything is written",
        arguments: [
            "../escape.txt", "a/../../escape.txt", "/etc/passwd", "a//b", "a/./b", "./a", "a\\..\\b", "..",
            "a/%2e%2e/b", "~/x", "C:/x", "a/\u{0}b", "a/．．/b", "", "dir/",
        ]
    )
    func hostilePaths(_ path: String) throws {
        let root = try TempDirectory()
        let target = root.url.appendingPathComponent("pull")
        let error = #expect(throws: CairnClientError.self) {
            try LocalTree.destination(for: path, in: target)
        }
        #expect(error?.code == CairnClientError.invalidResponse)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.url.path).isEmpty)
    }

    @Test("a good path maps inside the directory, creating the folders on the way")
    func goodPath() throws {
        let root = try TempDirectory()
        let destination = try LocalTree.destination(for: "a b/ünï/c.bin", in: root.url)
        #expect(destination.path == root.url.standardizedFileURL.path + "/a b/ünï/c.bin")
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(
                atPath: destination.deletingLastPathComponent().path,
                isDirectory: &isDirectory
            )
        )
        #expect(isDirectory.boolValue)
    }

    @Test("a pull never writes through a symlink planted inside the directory")
    func plantedSymlink() throws {
        let root = try TempDirectory()
        let outside = try TempDirectory()
        try FileManager.default.createSymbolicLink(
            atPath: root.url.appendingPathComponent("sub").path,
            withDestinationPath: outside.url.path
        )
        #expect(throws: CairnClientError.self) { try LocalTree.destination(for: "sub/file.bin", in: root.url) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
    }

    @Test("scan lists regular files sorted, follows links that stay inside, refuses links that leave")
    func scan() throws {
        let tree = try TempDirectory()
        try tree.write("b.txt", Data("b".utf8))
        try tree.write("dir/a.txt", Data("aa".utf8))
        try FileManager.default.createSymbolicLink(
            atPath: tree.url.appendingPathComponent("link.txt").path,
            withDestinationPath: "dir/a.txt"
        )
        let files = try LocalTree.scan(tree.url)
        #expect(files.map(\.path) == ["b.txt", "dir/a.txt", "link.txt"])
        #expect(files.map(\.size) == [1, 2, 2])

        let outside = try TempDirectory()
        try outside.write("secret", Data("s".utf8))
        try FileManager.default.createSymbolicLink(
            atPath: tree.url.appendingPathComponent("dir/leak").path,
            withDestinationPath: outside.url.appendingPathComponent("secret").path
        )
        let error = #expect(throws: CairnClientError.self) { try LocalTree.scan(tree.url) }
        #expect(error?.message.contains("dir/leak") == true)
    }

    @Test("scan refuses symlink loops, empty directories and names that are not manifest paths")
    func scanRefusals() throws {
        let loop = try TempDirectory()
        try loop.write("a/file", Data("x".utf8))
        try FileManager.default.createSymbolicLink(
            atPath: loop.url.appendingPathComponent("a/again").path,
            withDestinationPath: ".."
        )
        #expect(throws: CairnClientError.self) { try LocalTree.scan(loop.url) }

        let empty = try TempDirectory()
        try FileManager.default.createDirectory(
            at: empty.url.appendingPathComponent("nothing"),
            withIntermediateDirectories: true
        )
        #expect(throws: CairnClientError.self) { try LocalTree.scan(empty.url) }

        let percent = try TempDirectory()
        try percent.write("100%.txt", Data("x".utf8))
        #expect(throws: CairnClientError.self) { try LocalTree.scan(percent.url) }
    }
}

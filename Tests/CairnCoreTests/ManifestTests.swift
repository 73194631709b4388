import CairnCore
import Foundation
import Testing

@Suite("Manifests")
struct ManifestTests {
    static func entry(_ path: String, _ content: String) -> ManifestEntry {
        ManifestEntry(
            path: path,
            digest: Digest.of(bytes(content)),
            size: Int64(content.utf8.count),
            mediaType: MediaType.guess(forPath: path)
        )
    }

    let weights = entry("data/weights.bin", "weights")
    let mlmodel = entry("MLmodel", "flavors: {}")
    let conda = entry("conda.yaml", "name: env")

    @Test("entries are sorted by path whatever order they arrive in")
    func sortsEntries() {
        let manifest = Manifest(entries: [weights, conda, mlmodel])
        #expect(manifest.entries.map(\.path) == ["MLmodel", "conda.yaml", "data/weights.bin"])
    }

    @Test("the digest does not depend on the order entries were given in")
    func digestIsOrderIndependent() {
        let one = Manifest(entries: [weights, conda, mlmodel])
        let two = Manifest(entries: [mlmodel, weights, conda])
        #expect(one == two)
        #expect(one.digest == two.digest)
    }

    @Test("the digest is the SHA-256 of one 'hex size path' line per file, sorted by path")
    func digestPinsCanonicalText() {
        let manifest = Manifest(entries: [weights, mlmodel])
        let text = "\(mlmodel.digest.hex) 11 MLmodel\n\(weights.digest.hex) 7 data/weights.bin\n"
        #expect(manifest.digest == Digest.of(bytes(text)))
        #expect(Manifest(entries: []).digest == Digest.of([]))
    }

    @Test("changing any file's path, content or size changes the digest")
    func digestCoversEveryField() {
        let base = Manifest(entries: [weights, mlmodel]).digest
        var renamed = weights
        renamed.path = "data/weights2.bin"
        var resized = weights
        resized.size += 1
        let changed = Self.entry("data/weights.bin", "weightz")
        for other in [renamed, resized, changed] {
            #expect(Manifest(entries: [other, mlmodel]).digest != base)
        }
        // The media type is presentation, not content: it does not take part.
        var retyped = weights
        retyped.mediaType = "text/plain"
        #expect(Manifest(entries: [retyped, mlmodel]).digest == base)
    }

    @Test("reports its total size and finds entries by exact path")
    func totalsAndLookup() {
        let manifest = Manifest(entries: [weights, mlmodel, conda])
        #expect(manifest.totalSize == 7 + 11 + 9)
        #expect(manifest.entry(at: "MLmodel") == mlmodel)
        #expect(manifest.entry(at: "mlmodel") == nil)
        #expect(manifest.entry(at: "data") == nil)
    }

    @Test("round-trips through JSON")
    func codable() throws {
        let manifest = Manifest(entries: [weights, mlmodel])
        let decoded = try JSONDecoder().decode(Manifest.self, from: try JSONEncoder().encode(manifest))
        #expect(decoded == manifest)
        #expect(decoded.digest == manifest.digest)
    }

    @Test(
        "guesses media types from file names",
        arguments: [
            ("MLmodel", "application/x-yaml"), ("dir/MLmodel", "application/x-yaml"), ("a.json", "application/json"),
            ("conda.YAML", "application/x-yaml"), ("notes.md", "text/plain; charset=utf-8"),
            (
                "model.pkl",
                "application/octet-stream"
            ), (".gitignore", "application/octet-stream"),
            (
                "noext",
                "application/octet-stream"
            ), ("x/plot.png", "image/png"), ("a.tar.gz", "application/gzip"),
        ]
    )
    func mediaTypes(path: String, expected: String) {
        #expect(MediaType.guess(forPath: path) == expected)
    }
}

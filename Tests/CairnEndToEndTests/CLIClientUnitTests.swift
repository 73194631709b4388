import CairnCore
import Crypto
import Foundation
import NIOCore
import Testing

@testable import CairnClient

@Suite("CairnClient pieces that need no server")
struct CLIClientUnitTests {
    @Test("path segments and query values are percent-encoded; manifest paths keep their slashes")
    func percentEncoding() {
        let path = APIPath("models", "fraud detector ☃", "versions", "3", "files")
            .appending(manifestPath: "dir/a b#?.bin")
            .query("uri", "models:/x@y")
            .query("tag", "k=v&w")
            .query("absent", nil)
        #expect(
            path.target
                == "/api/v1/models/fraud%20detector%20%E2%98%83/versions/3/files/dir/a%20b%23%3F.bin"
                + "?uri=models%3A%2Fx%40y&tag=k%3Dv%26w"
        )
        #expect(APIPath.root("healthz").target == "/healthz")
        #expect(APIPath.percentEncode("a/b") == "a%2Fb")
    }

    @Test("the base URL keeps its path prefix and loses a trailing slash")
    func baseURL() throws {
        let client = CairnClient(baseURL: try #require(URL(string: "https://host:8443/cairn/")))
        #expect(client.url(APIPath("models")) == "https://host:8443/cairn/api/v1/models")
    }

    @Test("server errors keep status, code, message and request id; other bodies still say something")
    func errorBodies() {
        let json = Data(#"{"code":"NOT_FOUND","message":"No such model.","request_id":"r-1"}"#.utf8)
        let error = CairnClientError.fromResponse(status: 404, body: Array(json), requestID: nil)
        #expect(error.status == 404)
        #expect(error.code == "NOT_FOUND")
        #expect(error.description == "No such model.")
        #expect(error.requestID == "r-1")
        #expect(error.isNotFound)

        let html = CairnClientError.fromResponse(
            status: 502,
            body: Array("<html>bad gateway</html>".utf8),
            requestID: "x"
        )
        #expect(html.code == "INTERNAL")
        #expect(html.message.contains("502"))
        #expect(html.requestID == "x")
    }

    @Test("byte counts, rates, durations and bars format for humans")
    func formatting() {
        #expect(TransferFormatting.bytes(0) == "0 B")
        #expect(TransferFormatting.bytes(999) == "999 B")
        #expect(TransferFormatting.bytes(1_000) == "1.00 KB")
        #expect(TransferFormatting.bytes(12_345_678) == "12.3 MB")
        #expect(TransferFormatting.bytes(305_000_000) == "305 MB")
        #expect(TransferFormatting.bytes(4_000_000_000) == "4.00 GB")
        #expect(TransferFormatting.rate(bytesPerSecond: 5_100_000) == "5.10 MB/s")
        #expect(TransferFormatting.rate(bytesPerSecond: nil) == "--/s")
        #expect(TransferFormatting.duration(seconds: 7) == "0:07")
        #expect(TransferFormatting.duration(seconds: 754) == "12:34")
        #expect(TransferFormatting.duration(seconds: 3723) == "1:02:03")
        #expect(TransferFormatting.duration(seconds: nil) == "--:--")
        #expect(TransferFormatting.bar(fraction: 0, width: 10) == "[>         ]")
        #expect(TransferFormatting.bar(fraction: 0.5, width: 10) == "[=====>    ]")
        #expect(TransferFormatting.bar(fraction: 1, width: 10) == "[==========]")
        let progress = TransferProgress(
            phase: .transferring,
            path: "a",
            fileBytes: 1,
            fileSize: 4,
            completedBytes: 25,
            totalBytes: 100
        )
        #expect(progress.fraction == 0.25)
    }

    @Test("streaming SHA-256 of a file matches hashing it whole")
    func fileDigest() async throws {
        let directory = try TempDirectory()
        var bytes = Data(count: 2_500_000)
        bytes.withUnsafeMutableBytes {
            for index in 0..<$0.count { $0[index] = UInt8(truncatingIfNeeded: index % 251) }
        }
        let file = try directory.write("blob", bytes)
        let (digest, size) = try await FileDigest.sha256(of: file)
        #expect(size == 2_500_000)
        #expect(digest == CairnCore.Digest(rawBytes: SHA256.hash(data: bytes)))
    }

    @Test("an upload body refuses a file that grew or shrank since it was hashed")
    func fileChunksDetectChange() async throws {
        let directory = try TempDirectory()
        let file = try directory.write("blob", Data(count: 10_000))
        var total = 0
        for try await chunk in FileChunks(fileURL: file, expectedSize: 10_000, chunkSize: 4096) {
            total += chunk.readableBytes
        }
        #expect(total == 10_000)
        for expected: Int64 in [9_999, 10_001] {
            let error = await #expect(throws: CairnClientError.self) {
                for try await _ in FileChunks(fileURL: file, expectedSize: expected, chunkSize: 4096) {}
            }
            #expect(error?.code == CairnClientError.digestMismatch)
        }
    }
}

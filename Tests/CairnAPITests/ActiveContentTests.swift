import CairnAPI
import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Downloads never serve active content")
struct ActiveContentTests {
    @Test("HTML and SVG files of a version download as attachments, octet-stream, nosniff and sandboxed")
    func activeFiles() async throws {
        try await APIHarness.run { _, client in
            let page = "<html><script>alert(document.domain)</script></html>"
            let svg = #"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#
            let version = try await client.seed(model: "m", files: ["report.html": page, "plot.svg": svg])
            for (path, content) in [("report.html", page), ("plot.svg", svg)] {
                let native = try await client.send(.get, "/api/v1/models/m/versions/1/files/\(path)")
                let mlflow = try await client.send(
                    .get,
                    "/api/2.0/mlflow-artifacts/artifacts/_cairn/versions/\(version.id)/\(path)"
                )
                for response in [native, mlflow] {
                    #expect(response.status == .ok && String(buffer: response.body) == content)
                    #expect(
                        response.headers[.contentType] == "application/octet-stream"
                            || response.headers[.contentType] == "text/plain"
                    )
                    #expect(
                        response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"\(path)\"") == true
                    )
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(
                        response.headers[HTTPField.Name("Content-Security-Policy")!] == "sandbox; default-src 'none'"
                    )
                }
            }
            let archive = try await client.send(.get, "/api/v1/models/m/versions/1/archive")
            #expect(archive.headers[.contentType] == "application/x-tar")
            #expect(archive.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
        #expect(DownloadHeaders.safeMediaType("text/html; charset=utf-8") == "application/octet-stream")
        #expect(DownloadHeaders.safeMediaType("image/svg+xml") == "application/octet-stream")
        #expect(DownloadHeaders.safeMediaType("text/plain; charset=utf-8") == "text/plain; charset=utf-8")
        #expect(
            DownloadHeaders.disposition("a\"b\r\n;é.bin")
                == "attachment; filename=\"a_b____.bin\"; filename*=UTF-8''a%22b%0D%0A%3B%C3%A9.bin"
        )
    }
}

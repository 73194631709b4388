import CairnCore
import CairnTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import CairnAPI
@testable import CairnHTTP

@Suite("Range headers: any number a client sends is answered, never trapped on")
struct ByteRangeTests {
    @Test("extreme numbers clamp to the file", arguments: [Int64(0), 1, 10, Int64.max - 1, Int64.max])
    func extremes(size: Int64) {
        for header in [
            "bytes=0-9223372036854775807", "bytes=9223372036854775806-9223372036854775807",
            "bytes=-9223372036854775807",
            "bytes=0-9223372036854775808", "bytes=-0", "bytes=5-", "bytes=-", "bytes=0-0", "bytes=3-2",
        ] {
            check(ByteRange.parse(header, size: size), size: size, header: header)
        }
    }

    @Test("a seeded generator of range headers: every answer is whole, unsatisfiable, or a range inside the file")
    func generated() {
        var random = SplitMix64(seed: 0x0C41_4E00)
        let numbers: [String] = [
            "0", "1", "9", "-1", "+5", "007", "9223372036854775807", "9223372036854775808", "18446744073709551615",
            "99999999999999999999999", " ", "", "1e3", "0x10", "٣",
        ]
        for _ in 0..<20_000 {
            let size = [Int64(0), 1, 10, 1 << 40, Int64.max][Int(random.next() % 5)]
            let first = numbers[Int(random.next() % UInt64(numbers.count))]
            let last = numbers[Int(random.next() % UInt64(numbers.count))]
            let unit = ["bytes=", "bytes= ", "BYTES=", "items="][Int(random.next() % 4)]
            let separator = ["-", "--", ",", "-,", ""][Int(random.next() % 5)]
            let header = unit + first + separator + last
            check(ByteRange.parse(header, size: size), size: size, header: header)
        }
    }

    func check(_ range: ByteRange, size: Int64, header: String) {
        if case .partial(let bounds) = range {
            #expect(bounds.lowerBound >= 0 && bounds.upperBound <= size && !bounds.isEmpty, "\(header) on \(size)")
        }
    }

    @Test("a download with Range: bytes=0-9223372036854775807 gets the whole file, and the server still answers")
    func hugeRangeOverHTTP() async throws {
        try await APIHarness.run { _, client in
            try await client.seed(model: "m", files: ["f.bin": "0123456789"])
            let uri = "/api/v1/models/m/versions/1/files/f.bin"
            let response = try await client.execute(
                uri: uri,
                method: .get,
                headers: [.range: "bytes=0-9223372036854775807"]
            )
            #expect(response.status == .partialContent && String(buffer: response.body) == "0123456789")
            #expect(response.headers[.contentRange] == "bytes 0-9/10")
            let tail = try await client.execute(
                uri: uri,
                method: .get,
                headers: [.range: "bytes=8-9223372036854775807"]
            )
            #expect(String(buffer: tail.body) == "89")
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }
}

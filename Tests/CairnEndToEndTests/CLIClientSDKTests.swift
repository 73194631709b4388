import CairnClient
import CairnWire
import Foundation
import Synchronization
import Testing

/// ``CairnClient`` against a real `cairn serve`.
@Suite("CairnClient against a real server", .serialized)
struct CLIClientSDKTests {
    @Test("push reports monotonic progress; ranges, archives and events come back")
    func pushProgressRangesArchive() async throws {
        try await ServerProcess.with { server in
            let tree = try CLITests.makeModelTree()
            let name = "x+y&z=w ü"
            try await CairnClient.withClient(baseURL: try #require(URL(string: server.url))) { client in
                _ = try await client.createModel(name: name, tags: ["a": "b"])
                let duplicate = await #expect(throws: CairnClientError.self) {
                    _ = try await client.createModel(name: name)
                }
                #expect(duplicate?.code == "ALREADY_EXISTS")
                #expect(duplicate?.status == 409)

                let reports = Reports()
                let version = try await client.push(
                    model: name,
                    directory: tree.url,
                    request: CreateVersionRequest(description: "sdk"),
                    progress: { progress in reports.items.withLock { $0.append(progress) } }
                )
                #expect(version.status == "READY")
                let items = reports.items.withLock { $0 }
                let totals = items.map(\.completedBytes)
                #expect(totals == totals.sorted(), "completed bytes never decrease")
                #expect(items.filter { $0.phase == .finished }.count == 5)
                #expect(items.last?.completedBytes == items.last?.totalBytes)
                #expect(items.last?.totalBytes == version.totalSize)

                let slice = try await client.fileContents(model: name, version: 1, path: "weights.bin", range: 10..<20)
                let weights = try Data(contentsOf: tree.url.appendingPathComponent("weights.bin"))
                #expect(Data(slice) == weights[10..<20])

                let scratch = try TempDirectory()
                let tar = scratch.url.appendingPathComponent("v1.tar")
                let written = try await client.downloadArchive(model: name, version: 1, to: tar)
                #expect(written > version.totalSize ?? 0)
                let header = try Data(contentsOf: tar).prefix(100)
                #expect(!header.allSatisfy { $0 == 0 })

                let model = try await client.model(name)
                #expect(model.name == name)
                #expect(model.latestVersion == 1)
                let events = try await client.events(after: 0, limit: 100)
                #expect(!events.events.isEmpty)
                let sequences = events.events.map(\.sequence)
                #expect(sequences == sequences.sorted())
            }
        }
    }
}

/// Progress reports collected from a `@Sendable` callback.
final class Reports: Sendable {
    let items = Mutex<[TransferProgress]>([])
}

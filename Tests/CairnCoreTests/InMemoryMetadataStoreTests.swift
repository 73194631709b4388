import CairnCore
import CairnTesting
import Testing

@Suite("InMemoryMetadataStore")
struct InMemoryMetadataStoreTests {
    @Test(
        "passes the MetadataStore conformance suite",
        .timeLimit(.minutes(1)),
        arguments: MetadataStoreConformance.cases
    )
    func conformance(_ c: MetadataStoreConformanceCase) async throws {
        try await c.run(InMemoryMetadataStore())
    }

    @Test("a write inside a write of the same store throws instead of deadlocking")
    func nestedWrite() async throws {
        let store = InMemoryMetadataStore()
        await #expect(throws: RegistryError.self) {
            try await store.write { _ in try await store.write { _ in } }
        }
        // The store is still usable afterwards.
        try await store.write { _ in }
    }

    @Test("a transaction used after its write ended throws")
    func escapedTransaction() async throws {
        let store = InMemoryMetadataStore()
        let escaped = try await store.write { tx in tx }
        await #expect(throws: RegistryError.self) { try await escaped.lastEvent() }
    }
}

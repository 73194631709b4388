import CairnCore
import CairnSQLite
import CairnTesting
import Testing

@Suite("SQLiteMetadataStore conformance")
struct SQLiteMetadataStoreConformanceTests {
    @Test(
        "passes the MetadataStore conformance suite",
        .timeLimit(.minutes(1)),
        arguments: MetadataStoreConformance.cases
    )
    func conformance(_ c: MetadataStoreConformanceCase) async throws {
        try await withTemporaryStore { store, _ in try await c.run(store) }
    }
}

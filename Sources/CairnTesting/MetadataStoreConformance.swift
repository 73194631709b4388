import CairnCore
import Foundation
import Testing

/// One behaviour every `MetadataStore` must have, run against a fresh, empty store.
public struct MetadataStoreConformanceCase: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (any MetadataStore) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any MetadataStore) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    /// Runs the case on `store`, which must be new and empty.
    public func run(_ store: any MetadataStore) async throws { try await body(store) }
}

/// The shared conformance suite of the `MetadataStore` port, driven through the port itself (not the service). A
/// backend's test file only plugs in:
///
///     @Test(arguments: MetadataStoreConformance.cases)
///     func conformance(_ c: MetadataStoreConformanceCase) async throws { try await c.run(makeStore()) }
///
/// The suite pins what the service relies on and what the port leaves to the store: unique names and numbers
/// (`.alreadyExists`), missing parents and updates of missing rows (`.notFound`), idempotent deletes, code-point
/// order and equality of names, millisecond timestamps, all-or-nothing write transactions that run one at a time,
/// reads that never wait for nor see an uncommitted write, and `resolve` returning only `READY` versions. (The cases
/// live in `MetadataStoreConformance+<Concern>.swift`; `cases` joins them so that every backend runs the same list.)
public enum MetadataStoreConformance {
    public static let cases: [MetadataStoreConformanceCase] =
        modelCases + versionCases + fileAndAliasCases
        + resolveCases + eventAndTransactionCases + trackingCases + modelClauseCases + identityCases
        + governanceCases + governanceEventCases + deliveryCases
}

// MARK: - Fixtures

extension MetadataStoreConformance {
    /// A whole-millisecond time, `ms` after 2023-11-14T22:13:20Z.
    static func at(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(1_700_000_000_000 + ms) / 1000) }

    static func model(_ name: String, id: String? = nil, tags: [String: String] = [:]) -> RegisteredModel {
        RegisteredModel(
            id: id ?? "m-\(name)",
            name: name,
            description: "about \(name)",
            tags: tags,
            createdBy: "alice",
            createdAt: at(1),
            updatedAt: at(2),
            updatedBy: "bob"
        )
    }

    static func entry(_ path: String, _ content: String = "content") -> ManifestEntry {
        ManifestEntry(
            path: path,
            digest: Digest.of(Array(content.utf8)),
            size: Int64(content.utf8.count),
            mediaType: MediaType.guess(forPath: path)
        )
    }

    @discardableResult
    static func insert(_ store: any MetadataStore, _ model: RegisteredModel) async throws -> RegisteredModel {
        try await store.write { try await $0.insertModel(model) }
        return model
    }

    /// Allocates the next number of `model` and inserts a version with it.
    @discardableResult
    static func addVersion(
        _ store: any MetadataStore,
        _ model: RegisteredModel,
        status: VersionStatus = .pending,
        stage: Stage = .none,
        createdAt: Date = at(10),
        files: [ManifestEntry] = []
    ) async throws -> ModelVersion {
        try await store.write { tx in
            let number = try await tx.allocateVersionNumber(modelID: model.id)
            let version = ModelVersion(
                id: "\(model.id)-v\(number)",
                modelID: model.id,
                modelName: model.name,
                number: number,
                status: status,
                stage: stage,
                description: "version \(number)",
                tags: ["team": "search"],
                lineage: VersionLineage(
                    source: "s3://runs/\(number)",
                    runID: "run-\(number)",
                    datasets: [DatasetReference(name: "clicks", digest: "d1", context: "training")],
                    params: ["lr": "0.1"],
                    metrics: ["auc": 0.93],
                    signature: ModelSignature(inputs: "[{\"type\":\"double\"}]")
                ),
                manifest: status == .ready ? Manifest(entries: files) : nil,
                createdBy: "alice",
                createdAt: createdAt,
                updatedAt: createdAt,
                updatedBy: "alice"
            )
            try await tx.insertVersion(version)
            for file in files { try await tx.putFile(versionID: version.id, entry: file) }
            return version
        }
    }

    static func event(_ sequence: Int64, after previous: AuditEvent? = nil) -> AuditEvent {
        EventChain.next(
            after: previous,
            time: at(sequence * 1000),
            actor: "alice",
            action: "model.created",
            subject: "model/m\(sequence)",
            payload: "{\"n\":\(sequence)}"
        )
    }

    static func names(_ models: [RegisteredModel]) -> [String] { models.map(\.name) }

    /// Expects `body` to throw a `RegistryError` with `code`.
    static func expectCode<T>(
        _ code: RegistryError.Code,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as RegistryError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected RegistryError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Thrown by cases to abort a write transaction.
struct ConformanceAbort: Error {}

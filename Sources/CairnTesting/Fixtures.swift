import CairnCore
import CairnCredentials
import CairnMLflowFiles
import Foundation

/// A `RegistryService` over in-memory fakes: `InMemoryMetadataStore`, `InMemoryBlobStore` and a ``ManualClock``.
///
/// Pass the fakes a test wants to inspect or steer (usually the clock and the blob store); the rest are made fresh.
/// When no blob store is passed, the one made measures upload age with `clock`. Passwords are hashed with the fast
/// ``FastPasswordHasher`` unless a test passes another; `MLmodel` files are read with the real YAML adapter.
public func makeService(
    store: any MetadataStore = InMemoryMetadataStore(),
    blobs: (any BlobStore)? = nil,
    clock: ManualClock = ManualClock(),
    ids: any IDGenerator = SequentialIDGenerator(),
    limits: RegistryService.Limits = RegistryService.Limits(),
    passwords: any PasswordHasher = FastPasswordHasher(),
    delivery: DeliverySettings = DeliverySettings(),
    transport: any WebhookTransport = NoWebhookTransport()
) -> RegistryService {
    RegistryService(
        store: store,
        blobs: blobs ?? InMemoryBlobStore(clock: clock),
        clock: clock,
        ids: ids,
        limits: limits,
        passwords: passwords,
        mlmodels: YAMLMLmodelParser(),
        delivery: delivery,
        secrets: try! AESGCMSecretSealer(key: AESGCMSecretSealer.randomKey()),
        transport: transport
    )
}

extension RegistryService {
    /// Uploads `bytes` as the file at `path` of a version through `uploadFile(…writeBody:)`, writing them in chunks of
    /// `chunkSize` bytes the way a streaming request body arrives.
    @discardableResult
    public func upload(
        _ bytes: [UInt8],
        modelName: String,
        number: Int,
        path: String,
        expectedDigest: Digest? = nil,
        expectedSize: Int64? = nil,
        chunkSize: Int = 4096,
        actor: Principal = .testAdmin
    ) async throws -> ManifestEntry {
        try await catalog.uploadFile(
            modelName: modelName,
            number: number,
            path: path,
            expectedDigest: expectedDigest,
            expectedSize: expectedSize,
            actor: actor
        ) { upload in
            try await writeChunks(bytes, to: upload, chunkSize: chunkSize)
        }
    }

    /// Creates a version of an existing model, uploads `files` (path → bytes) and finalizes it: a `READY` version.
    @discardableResult
    public func publishVersion(
        modelName: String,
        files: [String: [UInt8]],
        _ new: NewVersion = NewVersion(),
        actor: Principal = .testAdmin
    ) async throws -> ModelVersion {
        let version = try await catalog.createVersion(modelName: modelName, new, actor: actor)
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            try await upload(bytes, modelName: modelName, number: version.number, path: path, actor: actor)
        }
        return try await catalog.finalizeVersion(modelName: modelName, number: version.number, actor: actor)
    }

    /// Uploads `bytes` as the tracking artifact at `path` through `uploadArtifact(…writeBody:)`, in chunks of
    /// `chunkSize` bytes.
    @discardableResult
    public func putArtifact(
        _ bytes: [UInt8],
        at path: String,
        chunkSize: Int = 4096,
        actor: Principal = .testAdmin
    ) async throws -> ArtifactEntry {
        try await tracking.uploadArtifact(path: path, expectedSize: nil, actor: actor) { upload in
            try await writeChunks(bytes, to: upload, chunkSize: chunkSize)
        }
    }

    /// Every event in the log, oldest first (read as ``Principal/system``, so any test can inspect it).
    public func allEvents() async throws -> [AuditEvent] {
        var all: [AuditEvent] = []
        while true {
            let batch = try await governance.events(afterSequence: all.last?.sequence ?? 0, limit: 1000, actor: .system)
            if batch.isEmpty { return all }
            all += batch
        }
    }
}

extension Principal {
    /// A user named `admin` holding a global admin grant: the default actor of the fixtures, allowed everything an
    /// account can be allowed (unlike ``system``, it is checked like any account).
    public static let testAdmin = Principal(id: "admin", name: "admin", kind: .user, grants: [Grant(.admin)])

    /// A user named `name` holding `grants`, for tests of who may do what.
    public static func testUser(_ name: String, _ grants: Grant...) -> Principal {
        Principal(id: name, name: name, kind: .user, grants: grants)
    }
}

/// Writes `bytes` into an upload session, `chunkSize` bytes at a time.
public func writeChunks(_ bytes: [UInt8], to upload: any BlobUpload, chunkSize: Int = 4096) async throws {
    precondition(chunkSize > 0, "chunkSize must be positive")
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        try await upload.write(Array(bytes[offset..<end]))
        offset = end
    }
}

/// Reads a whole byte stream into memory.
public func collect(_ stream: BlobByteStream) async throws -> [UInt8] {
    var out: [UInt8] = []
    for try await chunk in stream { out += chunk }
    return out
}

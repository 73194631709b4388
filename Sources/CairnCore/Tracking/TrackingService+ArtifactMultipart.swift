import Foundation

/// A multipart upload of one file of the tracking artifact tree, as opened by
/// ``TrackingService/createArtifactMultipartUpload(path:partCount:actor:)``.
public struct ArtifactMultipartUpload: Hashable, Sendable {
    /// The session's id (32 hex digits, chosen by the blob store).
    public var id: String
    /// The capability that lets a request upload parts of this session, and nothing else. Handed out once, in the
    /// answer that opens the session; only its SHA-256 is kept.
    public var partToken: String
    public var partCount: Int
}

/// What the blob store keeps with a multipart session: whose it is, for which path, and the part token's digest.
struct MultipartDescriptor: Codable, Sendable {
    var path: String
    var partCount: Int
    var ownerID: String
    var ownerKind: Principal.Kind
    var partTokenSHA256: String
    var createdAt: Date
}

extension TrackingService {
    /// The largest part of a multipart upload (as in S3): 5 GiB.
    public static let multipartMaxPartSize: Int64 = 5 << 30

    /// Opens a multipart upload of the artifact file at `path`, to be sent as `partCount` parts (MLflow's proxied
    /// multipart upload, for files of hundreds of megabytes and more). Parts are then uploaded with the returned part
    /// token, in any order and in parallel, and joined by
    /// ``completeArtifactMultipartUpload(path:uploadID:parts:actor:)``. Nothing is visible at `path` until then.
    /// Needs ``Action/write`` globally, as a single upload does.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path, reserved `_cairn/`,
    ///   part count outside 1…10,000), `.failedPrecondition` (the path is a directory, or a parent is a file).
    public func createArtifactMultipartUpload(path: String, partCount: Int, actor: Principal) async throws
        -> ArtifactMultipartUpload
    {
        try Self.validateArtifactPath(path)
        guard (1...multipartMaxParts).contains(partCount) else {
            throw RegistryError.invalid(
                "A multipart upload has 1 to \(multipartMaxParts) parts; \(partCount) were asked for. "
                    + "Use larger parts (MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE)."
            )
        }
        let permit = try await core.admit(.createArtifactMultipartUpload, actor, model: nil)
        try await store.read(permit) { try await Self.requireFileSlot($0, path) }
        let token = Secret.make(prefix: "cairn_part_")
        let descriptor = MultipartDescriptor(
            path: path,
            partCount: partCount,
            ownerID: actor.id,
            ownerKind: actor.kind,
            partTokenSHA256: Digest.of(Array(token.utf8)).hex,
            createdAt: clock.now()
        )
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let id = try await blobs.createMultipart(descriptor: Array(try encoder.encode(descriptor)))
        return ArtifactMultipartUpload(id: id, partToken: token, partCount: partCount)
    }

    /// Stores part `partNumber` of a multipart upload. The request is authorized by the session's part token alone
    /// (whoever holds it may send parts, as with a presigned URL). Sending a part again replaces it. Returns the
    /// part's digest, which the client sends back as the part's ETag when it completes the upload.
    /// - Throws: `.notFound` (no such session, or it ended), `.permissionDenied` (another session's token),
    ///   `.invalidArgument` (part number outside the session, size over 5 GiB), `.digestMismatch` (length).
    public func uploadArtifactPart(
        uploadID: String,
        partNumber: Int,
        partToken: String,
        expectedSize: Int64?,
        writeBody: (any BlobUpload) async throws -> Void
    ) async throws -> Digest {
        let descriptor = try await multipartDescriptor(uploadID)
        guard Digest.of(Array(partToken.utf8)).hex == descriptor.partTokenSHA256 else {
            throw RegistryError(
                .permissionDenied,
                "The upload token does not belong to this multipart upload. Send the headers its credential lists."
            )
        }
        guard (1...descriptor.partCount).contains(partNumber) else {
            throw RegistryError.invalid(
                "This multipart upload has parts 1 to \(descriptor.partCount); part \(partNumber) is not one of them."
            )
        }
        if let expectedSize, expectedSize < 0 || expectedSize > Self.multipartMaxPartSize {
            throw RegistryError.invalid("A part holds 0 to \(Self.multipartMaxPartSize) bytes; got \(expectedSize).")
        }
        // Without an announced size, the bound is the part limit: a longer body is refused as it streams.
        let upload = try await blobs.beginPart(
            of: uploadID,
            number: partNumber,
            expecting: BlobExpectation(size: expectedSize, limit: Self.multipartMaxPartSize)
        )
        do {
            try await writeBody(upload)
            return try await upload.commit().digest
        } catch {
            await upload.cancel()
            throw error
        }
    }

    /// Joins the parts of a multipart upload (ascending part numbers; each with the digest its upload answered, when
    /// the client sends it) into the file at `path`. Only the principal who opened the upload may complete it, for
    /// the path it was opened for. Needs ``Action/write`` globally.
    /// - Throws: `.notFound` (no such session, or a part never sent), `.permissionDenied` (someone else's upload),
    ///   `.invalidArgument` (another path, part numbers not ascending or outside the session, a malformed ETag),
    ///   `.digestMismatch` (a part is not the one its ETag names; the upload stays open), `.failedPrecondition`.
    public func completeArtifactMultipartUpload(
        path: String,
        uploadID: String,
        parts: [(number: Int, etag: String?)],
        actor: Principal
    ) async throws -> ArtifactEntry {
        let (descriptor, permit) = try await ownedMultipartDescriptor(
            .completeArtifactMultipartUpload,
            uploadID,
            path: path,
            actor: actor
        )
        guard !parts.isEmpty else { throw RegistryError.invalid("Completing a multipart upload needs its parts.") }
        var previous = 0
        let checked = try parts.map { part -> (number: Int, digest: Digest?) in
            guard part.number > previous, part.number <= descriptor.partCount else {
                throw RegistryError.invalid(
                    "Parts must be listed once each in ascending order, within 1…\(descriptor.partCount)."
                )
            }
            previous = part.number
            let etag = (part.etag ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            guard !etag.isEmpty else { return (part.number, nil) }
            do {
                return (part.number, try Digest(parsing: etag))
            } catch {
                throw RegistryError.invalid("Part \(part.number)'s ETag is not one this server answered.")
            }
        }
        try await store.read(permit) { try await Self.requireFileSlot($0, path) }
        let info = try await blobs.completeMultipart(uploadID, parts: checked)
        return try await recordArtifact(at: path, info, permit)
    }

    /// Discards a multipart upload and its parts. Only the principal who opened it may.
    /// - Throws: `.notFound`, `.permissionDenied`, `.invalidArgument` (another path).
    public func abortArtifactMultipartUpload(path: String, uploadID: String, actor: Principal) async throws {
        _ = try await ownedMultipartDescriptor(.abortArtifactMultipartUpload, uploadID, path: path, actor: actor)
        try await blobs.abortMultipart(uploadID)
    }

    private func multipartDescriptor(_ id: String) async throws -> MultipartDescriptor {
        let missing = RegistryError(
            .notFound,
            "The multipart upload '\(id.prefix(64))' does not exist: it was completed, aborted or expired. "
                + "Start a new upload."
        )
        guard isMultipartID(id), let bytes = try await blobs.multipartDescriptor(id) else { throw missing }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        guard let descriptor = try? decoder.decode(MultipartDescriptor.self, from: Data(bytes)) else { throw missing }
        return descriptor
    }

    /// The descriptor of an upload `actor` opened for `path`, with the permit of `useCase`.
    private func ownedMultipartDescriptor(_ useCase: UseCase, _ id: String, path: String, actor: Principal)
        async throws -> (MultipartDescriptor, Permit)
    {
        try Self.validateArtifactPath(path)
        let permit = try await core.admit(useCase, actor, model: nil)
        let descriptor = try await multipartDescriptor(id)
        guard descriptor.ownerID == actor.id, descriptor.ownerKind == actor.kind else {
            throw RegistryError(.permissionDenied, "This multipart upload was opened by another principal.")
        }
        guard descriptor.path == path else {
            throw RegistryError.invalid(
                "This multipart upload is for '\(descriptor.path)', not '\(path.prefix(200))'. Use the path it was "
                    + "opened for."
            )
        }
        return (descriptor, permit)
    }
}

import CairnWire
import NIOHTTP1

extension CairnClient {
    /// `POST /api/v1/models/{name}/versions`: creates a `PENDING` version with the next number. Upload its files with
    /// ``uploadFile(model:version:path:fileURL:progress:)``, then seal it with ``finalizeVersion(model:version:)``.
    public func createVersion(model: String, _ request: CreateVersionRequest = CreateVersionRequest())
        async throws -> VersionDTO
    {
        try await send(.POST, APIPath("models", model, "versions"), body: request)
    }

    /// `GET /api/v1/models/{name}/versions`: one page of versions, newest first.
    public func listVersions(model: String, pageToken: String? = nil, limit: Int? = nil) async throws -> VersionListDTO
    {
        let path = APIPath("models", model, "versions")
            .query("page_token", pageToken)
            .query("limit", limit.map(String.init))
        return try await send(.GET, path)
    }

    /// Every version of `model`, newest first, following page tokens until the last page.
    public func listAllVersions(model: String, pageSize: Int? = nil) async throws -> [VersionDTO] {
        var versions: [VersionDTO] = []
        var token: String?
        repeat {
            let page = try await listVersions(model: model, pageToken: token, limit: pageSize)
            versions += page.versions
            token = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return versions
    }

    /// `GET /api/v1/models/{name}/versions/{n}`. Throws `NOT_FOUND`.
    public func version(model: String, version: Int) async throws -> VersionDTO {
        try await send(.GET, versionPath(model, version))
    }

    /// `PATCH /api/v1/models/{name}/versions/{n}`: replaces the description.
    public func updateVersionDescription(model: String, version: Int, description: String) async throws -> VersionDTO {
        try await send(.PATCH, versionPath(model, version), body: UpdateDescriptionRequest(description: description))
    }

    /// `DELETE /api/v1/models/{name}/versions/{n}`.
    public func deleteVersion(model: String, version: Int) async throws {
        try await sendRaw(.DELETE, versionPath(model, version))
    }

    /// `PUT /api/v1/models/{name}/versions/{n}/tags/{key}`: sets (or replaces) a tag. Idempotent.
    public func setVersionTag(model: String, version: Int, key: String, value: String) async throws -> VersionDTO {
        try await send(.PUT, versionPath(model, version).appending("tags", key), body: SetTagRequest(value: value))
    }

    /// `DELETE /api/v1/models/{name}/versions/{n}/tags/{key}`.
    public func deleteVersionTag(model: String, version: Int, key: String) async throws -> VersionDTO {
        try await send(.DELETE, versionPath(model, version).appending("tags", key))
    }

    /// `POST /api/v1/models/{name}/versions/{n}/finalize`: seals the manifest; the version becomes `READY`.
    /// Throws `FAILED_PRECONDITION` if the version is not `PENDING`.
    public func finalizeVersion(model: String, version: Int) async throws -> VersionDTO {
        try await send(.POST, versionPath(model, version).appending("finalize"))
    }

    /// `GET /api/v1/models/{name}/versions/{n}/files`: the sealed manifest, or the files uploaded so far.
    public func manifest(model: String, version: Int) async throws -> ManifestDTO {
        try await send(.GET, versionPath(model, version).appending("files"))
    }

    /// `GET /api/v1/resolve?uri=…`: the version a `models:/` URI names now, with its manifest.
    public func resolve(_ uri: String) async throws -> ResolveDTO {
        try await send(.GET, APIPath("resolve").query("uri", uri))
    }

    /// `GET /api/v1/events?after=N&limit=M`: event log entries with a sequence number above `after`, oldest first.
    public func events(after: Int64? = nil, limit: Int? = nil) async throws -> EventListDTO {
        try await send(
            .GET,
            APIPath("events").query("after", after.map(String.init)).query("limit", limit.map(String.init))
        )
    }

    func versionPath(_ model: String, _ version: Int) -> APIPath {
        APIPath("models", model, "versions", String(version))
    }
}

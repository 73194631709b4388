import CairnWire
import NIOHTTP1

extension CairnClient {
    /// Filters for ``listModels(_:pageToken:limit:)``.
    public struct ModelFilter: Sendable, Hashable {
        /// Only models whose name contains this text.
        public var nameContains: String?
        /// Only models whose name starts with this text.
        public var namePrefix: String?
        /// Only models carrying every one of these tags (`key = value`).
        public var tags: [String: String]

        /// Creates a filter; the default matches every model.
        public init(nameContains: String? = nil, namePrefix: String? = nil, tags: [String: String] = [:]) {
            self.nameContains = nameContains
            self.namePrefix = namePrefix
            self.tags = tags
        }
    }

    /// `POST /api/v1/models`: registers a model. Throws `ALREADY_EXISTS` if the name is taken.
    public func createModel(_ request: CreateModelRequest) async throws -> ModelDTO {
        try await send(.POST, APIPath("models"), body: request)
    }

    /// `POST /api/v1/models`: registers a model named `name`.
    public func createModel(
        name: String,
        description: String? = nil,
        tags: [String: String]? = nil
    ) async throws -> ModelDTO {
        try await createModel(CreateModelRequest(name: name, description: description, tags: tags))
    }

    /// `GET /api/v1/models`: one page of models, sorted by name. Pass the answer's `nextPageToken` to get the next.
    public func listModels(
        _ filter: ModelFilter = ModelFilter(),
        pageToken: String? = nil,
        limit: Int? = nil
    ) async throws -> ModelListDTO {
        var path = APIPath("models")
            .query("name_contains", filter.nameContains)
            .query("name_prefix", filter.namePrefix)
        for (key, value) in filter.tags.sorted(by: { $0.key < $1.key }) {
            path = path.query("tag", "\(key)=\(value)")
        }
        path = path.query("page_token", pageToken).query("limit", limit.map(String.init))
        return try await send(.GET, path)
    }

    /// Every model matching `filter`, following page tokens until the last page.
    public func listAllModels(_ filter: ModelFilter = ModelFilter(), pageSize: Int? = nil) async throws -> [ModelDTO] {
        var models: [ModelDTO] = []
        var token: String?
        repeat {
            let page = try await listModels(filter, pageToken: token, limit: pageSize)
            models += page.models
            token = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return models
    }

    /// `GET /api/v1/models/{name}`. Throws `NOT_FOUND`.
    public func model(_ name: String) async throws -> ModelDTO {
        try await send(.GET, APIPath("models", name))
    }

    /// `DELETE /api/v1/models/{name}`: deletes the model with its versions and aliases. Throws `NOT_FOUND`.
    public func deleteModel(_ name: String) async throws {
        try await sendRaw(.DELETE, APIPath("models", name))
    }

    /// `PATCH /api/v1/models/{name}`: replaces the description.
    public func updateModelDescription(_ name: String, description: String) async throws -> ModelDTO {
        try await send(.PATCH, APIPath("models", name), body: UpdateDescriptionRequest(description: description))
    }

    /// `POST /api/v1/models/{name}/rename`. Throws `ALREADY_EXISTS` if `newName` is taken.
    public func renameModel(_ name: String, to newName: String) async throws -> ModelDTO {
        try await send(.POST, APIPath("models", name, "rename"), body: RenameModelRequest(newName: newName))
    }

    /// `PUT /api/v1/models/{name}/tags/{key}`: sets (or replaces) a tag. Idempotent.
    public func setModelTag(_ name: String, key: String, value: String) async throws -> ModelDTO {
        try await send(.PUT, APIPath("models", name, "tags", key), body: SetTagRequest(value: value))
    }

    /// `DELETE /api/v1/models/{name}/tags/{key}`: removes a tag.
    public func deleteModelTag(_ name: String, key: String) async throws -> ModelDTO {
        try await send(.DELETE, APIPath("models", name, "tags", key))
    }

    // MARK: - Aliases

    /// `GET /api/v1/models/{name}/aliases`.
    public func aliases(model: String) async throws -> AliasListDTO {
        try await send(.GET, APIPath("models", model, "aliases"))
    }

    /// `PUT /api/v1/models/{name}/aliases/{alias}`: points `alias` at `version` (moving it if it exists).
    public func setAlias(model: String, alias: String, version: Int) async throws -> AliasDTO {
        try await send(.PUT, APIPath("models", model, "aliases", alias), body: SetAliasRequest(version: version))
    }

    /// `DELETE /api/v1/models/{name}/aliases/{alias}`. Throws `NOT_FOUND` if the alias does not exist.
    public func deleteAlias(model: String, alias: String) async throws {
        try await sendRaw(.DELETE, APIPath("models", model, "aliases", alias))
    }
}

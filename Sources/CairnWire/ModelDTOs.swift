import Foundation

/// A registered model.
public struct ModelDTO: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    public var tags: [String: String]
    public var aliases: [AliasDTO]
    /// The highest version number given out so far (`nil` before the first version).
    public var latestVersion: Int?
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        id: String,
        name: String,
        description: String,
        tags: [String: String],
        aliases: [AliasDTO],
        latestVersion: Int?,
        createdBy: String,
        createdAt: Date,
        updatedBy: String,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.tags = tags
        self.aliases = aliases
        self.latestVersion = latestVersion
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// `POST /api/v1/models`.
public struct CreateModelRequest: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var tags: [String: String]?

    public init(name: String, description: String? = nil, tags: [String: String]? = nil) {
        self.name = name
        self.description = description
        self.tags = tags
    }
}

/// `PATCH /api/v1/models/{name}` and `PATCH /api/v1/models/{name}/versions/{version}`.
public struct UpdateDescriptionRequest: Codable, Sendable, Hashable {
    public var description: String
    public init(description: String) { self.description = description }
}

/// `POST /api/v1/models/{name}/rename`.
public struct RenameModelRequest: Codable, Sendable, Hashable {
    public var newName: String
    public init(newName: String) { self.newName = newName }
}

/// `PUT …/tags/{key}`.
public struct SetTagRequest: Codable, Sendable, Hashable {
    public var value: String
    public init(value: String) { self.value = value }
}

/// `GET /api/v1/models`.
public struct ModelListDTO: Codable, Sendable, Hashable {
    public var models: [ModelDTO]
    public var nextPageToken: String?
    public init(models: [ModelDTO], nextPageToken: String?) {
        self.models = models
        self.nextPageToken = nextPageToken
    }
}

/// An alias and the version it points at.
public struct AliasDTO: Codable, Sendable, Hashable {
    public var alias: String
    public var version: Int
    public init(alias: String, version: Int) {
        self.alias = alias
        self.version = version
    }
}

/// `PUT /api/v1/models/{name}/aliases/{alias}`.
public struct SetAliasRequest: Codable, Sendable, Hashable {
    public var version: Int
    public init(version: Int) { self.version = version }
}

/// `GET /api/v1/models/{name}/aliases`.
public struct AliasListDTO: Codable, Sendable, Hashable {
    public var aliases: [AliasDTO]
    public init(aliases: [AliasDTO]) { self.aliases = aliases }
}

import Foundation

/// A named model in the catalog. Versions hang off it; the name may change (rename), the ``id`` never does.
public struct RegisteredModel: Hashable, Sendable {
    public var id: String
    public var name: String
    public var description: String
    public var tags: [String: String]
    /// The principal that created the model; the model's owner.
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var updatedBy: String

    public init(
        id: String,
        name: String,
        description: String = "",
        tags: [String: String] = [:],
        createdBy: String,
        createdAt: Date,
        updatedAt: Date,
        updatedBy: String
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.tags = tags
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// Filters for listing models. All set filters must hold.
public struct ModelFilter: Hashable, Sendable {
    /// Case-sensitive substring of the name.
    public var nameContains: String?
    /// Case-sensitive prefix of the name.
    public var namePrefix: String?
    /// Tag equality (`key = value`), all of them.
    public var tags: [String: String]

    public init(nameContains: String? = nil, namePrefix: String? = nil, tags: [String: String] = [:]) {
        self.nameContains = nameContains
        self.namePrefix = namePrefix
        self.tags = tags
    }
}

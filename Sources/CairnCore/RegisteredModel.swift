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
    /// Further conditions (MLflow's search grammar), all of which must hold.
    public var clauses: [ModelFilterClause]

    public init(
        nameContains: String? = nil,
        namePrefix: String? = nil,
        tags: [String: String] = [:],
        clauses: [ModelFilterClause] = []
    ) {
        self.nameContains = nameContains
        self.namePrefix = namePrefix
        self.tags = tags
        self.clauses = clauses
    }
}

extension ModelFilter {
    /// Longest pattern or compared value (bytes): above the longest tag value, and far enough below SQLite's
    /// 50,000-byte pattern limit that its GLOB rewrite (at most 3 bytes a character) still fits.
    public static let maxValueBytes = 8_192
    /// Most values of one `IN (…)` list.
    public static let maxListValues = 1000

    /// Checks that every value fits ``maxValueBytes``.
    /// - Throws: `.invalidArgument` naming the limit.
    public func validate() throws(RegistryError) {
        if let long = clauses.first(where: { $0.values.count > Self.maxListValues }) {
            throw RegistryError(
                .invalidArgument,
                "An IN list has \(long.values.count) values; the limit is \(Self.maxListValues). Split the search."
            )
        }
        let values = [nameContains, namePrefix].compactMap { $0 } + clauses.flatMap { [$0.value] + $0.values }
        for value in values where value.utf8.count > Self.maxValueBytes {
            throw RegistryError(
                .invalidArgument,
                "A search value or pattern is \(value.utf8.count) bytes; the limit is \(Self.maxValueBytes)."
            )
        }
    }
}

/// One condition on a registered model: its name or one tag compared with a string.
///
/// `LIKE` is case-sensitive and `ILIKE` case-insensitive; in both `%` matches any run of characters and `_` one
/// character. For tags, `=`/`LIKE`/`ILIKE` need the tag to exist with a matching value, and `!=` holds when the tag
/// is absent or has another value (so `tag.x != 'true'` keeps untagged models). `IN` holds when the name (or the
/// tag, which must exist) is one of ``values``.
public struct ModelFilterClause: Hashable, Sendable {
    public enum Field: Hashable, Sendable {
        case name
        case tag(String)
    }

    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case like = "LIKE"
        case caseInsensitiveLike = "ILIKE"
        case isIn = "IN"
    }

    public var field: Field
    public var op: Operator
    public var value: String
    /// The list of `IN` (empty for the other operators).
    public var values: [String] = []

    public init(field: Field, op: Operator, value: String) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// `field IN (values…)`.
    public init(field: Field, in values: [String]) {
        self.init(field: field, op: .isIn, value: "")
        self.values = values
    }

    /// Evaluates the clause against a model (the reference semantics every store must match).
    public func matches(_ model: RegisteredModel) -> Bool {
        switch field {
        case .name: return op == .isIn ? values.contains(model.name) : Self.compare(model.name, op, value)
        case .tag(let key):
            guard let tag = model.tags[key] else { return op == .notEqual }
            return op == .isIn ? values.contains(tag) : Self.compare(tag, op, value)
        }
    }

    static func compare(_ actual: String, _ op: Operator, _ pattern: String) -> Bool {
        switch op {
        case .equal: actual == pattern
        case .notEqual: actual != pattern
        case .like: LikePattern.matches(Array(actual.unicodeScalars), Array(pattern.unicodeScalars))
        case .caseInsensitiveLike:
            LikePattern.matches(Array(actual.lowercased().unicodeScalars), Array(pattern.lowercased().unicodeScalars))
        case .isIn: false  // a list, not a pattern: see matches(_:)
        }
    }
}

/// SQL `LIKE` matching (`%` any run, `_` one character), without escapes, as MLflow's search uses it; with other
/// wildcards, the globs of webhook model patterns (`*`, `?`).
public enum LikePattern {
    public static func matches(
        _ text: [Unicode.Scalar],
        _ pattern: [Unicode.Scalar],
        anyRun: Unicode.Scalar = "%",
        oneCharacter: Unicode.Scalar = "_"
    ) -> Bool {
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == oneCharacter || (pattern[p] != anyRun && pattern[p] == text[t]) {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == anyRun {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == anyRun { p += 1 }
        return p == pattern.count
    }
}

/// One condition of a tracking search (experiments, runs, logged models, model versions), in the shape of MLflow's
/// filter grammar: `metrics.loss < 1`, `params.lr = '0.1'`, `tags.team = 'risk'`, `attributes.status = 'FINISHED'`,
/// `name LIKE 'fraud%'`. API adapters parse their syntax into clauses; the core evaluates them, once, for every
/// surface.
public struct SearchClause: Hashable, Sendable {
    public enum Field: Hashable, Sendable {
        /// A built-in attribute: `name`, `status`, `run_id`, `start_time`, `version_number`, `source_path`, …
        /// (which ones exist depends on the entity searched).
        case attribute(String)
        case metric(String)
        case param(String)
        case tag(String)
        /// A dataset attribute of a run's inputs: `name`, `digest`, `context`.
        case dataset(String)
    }

    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case like = "LIKE"
        case caseInsensitiveLike = "ILIKE"
        case isIn = "IN"
        case notIn = "NOT IN"
        /// The tag or param is absent (its value is ignored).
        case isNull = "IS NULL"
        /// The tag or param is present (its value is ignored).
        case isNotNull = "IS NOT NULL"
    }

    public enum Value: Hashable, Sendable {
        case string(String)
        case number(Double)
        case list([String])
    }

    public var field: Field
    public var op: Operator
    public var value: Value

    public init(field: Field, op: Operator, value: Value) {
        self.field = field
        self.op = op
        self.value = value
    }
}

/// One key of a search's sort order.
public struct SearchOrder: Hashable, Sendable {
    public var field: SearchClause.Field
    public var ascending: Bool

    public init(field: SearchClause.Field, ascending: Bool = true) {
        self.field = field
        self.ascending = ascending
    }
}

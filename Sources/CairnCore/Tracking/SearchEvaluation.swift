/// The reference semantics of tracking searches: which fields an entity has, how a ``SearchClause`` matches it and how
/// ``SearchOrder``s sort it. Every API surface (and any store that pushes searches down) must agree with this.
///
/// - Metrics compare numerically (a run's latest value per key). NaN follows IEEE rules: only `!=` holds.
/// - Params, tags, string attributes and dataset fields compare as strings, by code point; `LIKE` is case-sensitive
///   and `ILIKE` case-insensitive, both with `%` (any run) and `_` (one character); `IN`/`NOT IN` take a list.
/// - A missing metric, param, tag or attribute (an unset `end_time`) matches no condition, not even `!=`.
/// - Sorting puts missing values last and NaN just before them, whatever the direction.
/// - An unknown attribute, a dataset field outside runs, or an operator that does not fit the field's type throws
///   `.invalidArgument` naming what is accepted.
public enum TrackingSearch {
    /// Runs matching every clause, in `order`, then by start time descending and run id (MLflow's tie-breakers).
    /// - Throws: `.invalidArgument` for an unknown field or an operator/value that does not fit it.
    public static func runs(_ runs: [Run], matching clauses: [SearchClause], orderedBy order: [SearchOrder])
        throws(RegistryError) -> [Run]
    {
        try search(runs, clauses, runOrder(order))
    }

    /// The whole order of a run search: `order`, then start time descending (then the run id).
    static func runOrder(_ order: [SearchOrder]) -> [SearchOrder] {
        order + [SearchOrder(field: .attribute("start_time"), ascending: false)]
    }

    /// The whole order of an experiment search: `order`, or newest first (then the numeric id).
    static func experimentOrder(_ order: [SearchOrder]) -> [SearchOrder] {
        order.isEmpty ? [SearchOrder(field: .attribute("creation_time"), ascending: false)] : order
    }

    /// The whole order of a logged-model search: `order`, or newest first (then the id).
    static func loggedModelOrder(_ order: [SearchOrder]) -> [SearchOrder] {
        order.isEmpty ? [SearchOrder(field: .attribute("creation_timestamp"), ascending: false)] : order
    }

    /// Experiments matching every clause, in `order` (default: newest first), then by numeric id.
    /// - Throws: `.invalidArgument` for an unknown field or an operator/value that does not fit it.
    public static func experiments(
        _ experiments: [Experiment],
        matching clauses: [SearchClause],
        orderedBy order: [SearchOrder]
    ) throws(RegistryError) -> [Experiment] {
        try search(experiments, clauses, experimentOrder(order))
    }

    /// Logged models matching every clause, in `order` (default: newest first), then by id.
    /// - Throws: `.invalidArgument` for an unknown field or an operator/value that does not fit it.
    public static func loggedModels(
        _ models: [LoggedModel],
        matching clauses: [SearchClause],
        orderedBy order: [SearchOrder]
    ) throws(RegistryError) -> [LoggedModel] {
        try search(models, clauses, loggedModelOrder(order))
    }

    static func search<T: TrackingSearchable>(_ items: [T], _ clauses: [SearchClause], _ order: [SearchOrder])
        throws(RegistryError) -> [T]
    {
        try validate(clauses, orderedBy: order, for: T.self)
        let matching = items.filter { item in clauses.allSatisfy { evaluate($0, on: item) } }
        return matching.sorted { a, b in
            for key in order {
                switch compareForSort(a.value(of: key.field), b.value(of: key.field), ascending: key.ascending) {
                case .some(true): return true
                case .some(false): return false
                case nil: continue
                }
            }
            return a.tieBreaker.lexicographicallyPrecedes(b.tieBreaker)
        }
    }

    // MARK: Validation

    /// Checks every clause and order key against the fields of `type`.
    /// - Throws: `.invalidArgument` naming the field or operator at fault.
    static func validate<T: TrackingSearchable>(
        _ clauses: [SearchClause],
        orderedBy order: [SearchOrder],
        for type: T.Type
    )
        throws(RegistryError)
    {
        for clause in clauses { try validate(clause, for: T.self) }
        for key in order { try validateField(key.field, for: T.self) }
    }

    static func validateField<T: TrackingSearchable>(_ field: SearchClause.Field, for type: T.Type)
        throws(RegistryError)
    {
        switch field {
        case .attribute(let key):
            guard T.attributes[key] != nil else {
                let valid = T.attributes.keys.sorted().joined(separator: ", ")
                throw .invalid("Invalid attribute key '\(key)' for \(T.kind) search. Valid keys are: \(valid).")
            }
        case .dataset(let key):
            guard T.supportsDatasets else {
                throw .invalid(
                    "Dataset fields apply to runs only, not to \(T.kind) search; remove the datasets. condition."
                )
            }
            guard ["name", "digest", "context"].contains(key) else {
                throw .invalid("Invalid dataset key '\(key)'. Valid keys are: context, digest, name.")
            }
        case .metric, .param, .tag: return
        }
    }

    static func validate<T: TrackingSearchable>(_ clause: SearchClause, for type: T.Type) throws(RegistryError) {
        try validateField(clause.field, for: T.self)
        let numeric = T.isNumeric(clause.field)
        let shown = "\(clause.field.displayName) \(clause.op.rawValue)"
        switch (clause.op, clause.value) {
        case (.isNull, _), (.isNotNull, _):
            switch clause.field {
            case .tag, .param: return
            default: throw .invalid("'\(shown)' applies to tags and params only.")
            }
        case (.isIn, .list), (.notIn, .list):
            if numeric { throw .invalid("'\(shown)' is not supported: IN and NOT IN compare strings only.") }
        case (.isIn, _), (.notIn, _):
            throw .invalid("'\(shown)' needs a list of quoted strings, such as ('a', 'b').")
        case (_, .list):
            throw .invalid("'\(shown)' takes one value; use IN or NOT IN to compare with a list.")
        case (.like, _), (.caseInsensitiveLike, _):
            if numeric { throw .invalid("'\(shown)' is not supported: LIKE and ILIKE compare strings only.") }
            guard case .string = clause.value else { throw .invalid("'\(shown)' needs a quoted string pattern.") }
        case (_, .string(let text)) where numeric:
            guard Double(text) != nil else { throw .invalid("'\(shown)' needs a number, not the string '\(text)'.") }
        case (_, .number) where !numeric:
            throw .invalid("'\(shown)' compares strings; quote the value, as in \(clause.field.displayName) = '1'.")
        case (.less, _), (.lessOrEqual, _), (.greater, _), (.greaterOrEqual, _):
            if !numeric { throw .invalid("'\(shown)' is not supported for strings; use =, !=, LIKE, ILIKE or IN.") }
        case (.equal, _), (.notEqual, _): return
        }
    }

    // MARK: Evaluation

    static func evaluate<T: TrackingSearchable>(_ clause: SearchClause, on item: T) -> Bool {
        if case .dataset(let key) = clause.field {
            return item.datasetValues(key).contains { compare(.string($0), clause.op, clause.value) }
        }
        let actual = item.value(of: clause.field)
        if clause.op == .isNull { return actual == nil }
        if clause.op == .isNotNull { return actual != nil }
        guard let actual else { return false }
        return compare(actual, clause.op, clause.value)
    }

    static func compare(_ actual: SearchValue, _ op: SearchClause.Operator, _ expected: SearchClause.Value) -> Bool {
        switch (actual, expected) {
        case (.number(let a), .number(let b)): return compareNumbers(a, op, b)
        case (.number(let a), .string(let text)): return Double(text).map { compareNumbers(a, op, $0) } ?? false
        case (.string(let a), .string(let b)): return compareStrings(a, op, b)
        case (.string(let a), .list(let list)):
            let found = list.contains { $0.utf8.elementsEqual(a.utf8) }
            return op == .isIn ? found : op == .notIn ? !found : false
        case (.string(let a), .number(let b)): return compareStrings(a, op, SearchValue.format(b))
        case (.number, .list): return false
        }
    }

    static func compareNumbers(_ a: Double, _ op: SearchClause.Operator, _ b: Double) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .like, .caseInsensitiveLike, .isIn, .notIn, .isNull, .isNotNull: false
        }
    }

    static func compareStrings(_ a: String, _ op: SearchClause.Operator, _ b: String) -> Bool {
        switch op {
        case .equal: a.utf8.elementsEqual(b.utf8)
        case .notEqual: !a.utf8.elementsEqual(b.utf8)
        case .like: LikePattern.matches(Array(a.unicodeScalars), Array(b.unicodeScalars))
        case .caseInsensitiveLike:
            LikePattern.matches(Array(a.lowercased().unicodeScalars), Array(b.lowercased().unicodeScalars))
        case .less: a.utf8.lexicographicallyPrecedes(b.utf8)
        case .lessOrEqual: !b.utf8.lexicographicallyPrecedes(a.utf8)
        case .greater: b.utf8.lexicographicallyPrecedes(a.utf8)
        case .greaterOrEqual: !a.utf8.lexicographicallyPrecedes(b.utf8)
        case .isIn, .notIn, .isNull, .isNotNull: false
        }
    }

    /// `true` when `a` sorts first, `false` when `b` does, `nil` on a tie. Missing values last, then NaN before them.
    static func compareForSort(_ a: SearchValue?, _ b: SearchValue?, ascending: Bool) -> Bool? {
        func rank(_ value: SearchValue?) -> Int {
            switch value {
            case nil: 2
            case .number(let number) where number.isNaN: 1
            default: 0
            }
        }
        let (ra, rb) = (rank(a), rank(b))
        if ra != rb { return ra < rb }
        switch (a, b) {
        case (.number(let x), .number(let y)) where ra == 0:
            return x == y ? nil : (x < y) == ascending
        case (.string(let x), .string(let y)):
            return x.utf8.elementsEqual(y.utf8) ? nil : x.utf8.lexicographicallyPrecedes(y.utf8) == ascending
        default: return nil
        }
    }
}

/// A value read from an entity for a search.
enum SearchValue: Hashable, Sendable {
    case string(String)
    case number(Double)

    /// A number as MLflow prints it in a string comparison (`1` rather than `1.0` for whole numbers).
    static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension SearchClause.Field {
    /// The field as MLflow's filter syntax spells it (`metrics.loss`), for messages.
    var displayName: String {
        switch self {
        case .attribute(let key): "attributes.\(key)"
        case .metric(let key): "metrics.\(key)"
        case .param(let key): "params.\(key)"
        case .tag(let key): "tags.\(key)"
        case .dataset(let key): "datasets.\(key)"
        }
    }
}

import CairnCore

/// What one MLflow search accepts: which keys, which comparators, which sort keys. One instance per entity.
struct MLflowSearchSchema: Sendable {
    /// Attributes compared as strings.
    var stringAttributes: [String]
    /// Attributes compared as numbers (timestamps, version numbers).
    var numericAttributes: [String] = []
    /// Entity prefixes allowed besides attributes: `tags`, `params`, `metrics`, `datasets`.
    var entities: Set<String>
    /// Comparators allowed on string attributes.
    var stringComparators: [SearchClause.Operator] = [.equal, .notEqual, .like, .caseInsensitiveLike, .isIn, .notIn]
    /// Comparators allowed on tags and params.
    var tagComparators: [SearchClause.Operator] = [.equal, .notEqual, .like, .caseInsensitiveLike]
    /// Attributes a result can be sorted by.
    var orderAttributes: [String]

    static let numericComparators: [SearchClause.Operator] = [
        .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
    ]

    /// `registered-models/search`: the name and tags, with `=`, `!=`, `LIKE`, `ILIKE`, and `IN` on the name.
    static let registeredModels = MLflowSearchSchema(
        stringAttributes: ["name"],
        entities: ["tags"],
        stringComparators: [.equal, .notEqual, .like, .caseInsensitiveLike, .isIn],
        orderAttributes: ["name", "creation_timestamp", "last_updated_timestamp"]
    )

    /// `model-versions/search`.
    static let modelVersions = MLflowSearchSchema(
        stringAttributes: ["name", "run_id", "source_path", "current_stage"],
        numericAttributes: ["version_number"],
        entities: ["tags"],
        orderAttributes: ["name", "version_number", "creation_timestamp", "last_updated_timestamp"]
    )

    /// `experiments/search`.
    static let experiments = MLflowSearchSchema(
        stringAttributes: ["name"],
        numericAttributes: ["experiment_id", "creation_time", "last_update_time"],
        entities: ["tags"],
        orderAttributes: ["name", "experiment_id", "creation_time", "last_update_time"]
    )

    /// `runs/search`.
    static let runs = MLflowSearchSchema(
        stringAttributes: ["run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage"],
        numericAttributes: ["start_time", "end_time", "created"],
        entities: ["tags", "params", "metrics", "datasets"],
        tagComparators: [.equal, .notEqual, .like, .caseInsensitiveLike, .isNull, .isNotNull],
        orderAttributes: [
            "run_id", "run_name", "status", "user_id", "start_time", "end_time", "created", "artifact_uri",
        ]
    )

    /// `logged-models/search`.
    static let loggedModels = MLflowSearchSchema(
        stringAttributes: ["name", "model_id", "model_type", "status", "source_run_id"],
        numericAttributes: ["creation_timestamp", "creation_time", "last_updated_timestamp", "last_updated_time"],
        entities: ["tags", "params", "metrics"],
        orderAttributes: [
            "name", "model_id", "creation_timestamp", "creation_time", "last_updated_timestamp", "last_updated_time",
        ]
    )

    private var allAttributes: [String] { stringAttributes + numericAttributes }

    /// The entity a written prefix names (`tag` and `tags` alike), or `nil` for an attribute prefix.
    private static func entity(ofPrefix prefix: String) -> String? {
        switch prefix.lowercased() {
        case "tag", "tags": "tags"
        case "param", "params", "parameter", "parameters": "params"
        case "metric", "metrics": "metrics"
        case "dataset", "datasets": "datasets"
        case "attribute", "attributes", "attr", "run": ""
        default: "?" + prefix
        }
    }

    /// The field a key names.
    /// - Throws: `.invalidArgument` for an unknown attribute or an entity this search does not have.
    func field(for key: (prefix: String?, name: String)) throws -> SearchClause.Field {
        let entity = key.prefix.map(Self.entity(ofPrefix:)) ?? ""
        switch entity {
        case "":
            guard allAttributes.contains(key.name) else {
                throw RegistryError(
                    .invalidArgument,
                    "Invalid attribute key '\(key.name)' specified. Valid keys are '{\(Self.pythonSet(allAttributes))}'"
                )
            }
            return .attribute(key.name)
        case "tags" where entities.contains("tags"): return .tag(key.name)
        case "params" where entities.contains("params"): return .param(key.name)
        case "metrics" where entities.contains("metrics"): return .metric(key.name)
        case "datasets" where entities.contains("datasets"):
            guard ["name", "digest", "context"].contains(key.name) else {
                throw RegistryError(
                    .invalidArgument,
                    "Invalid dataset key '\(key.name)' specified. Valid keys are '{'name', 'digest', 'context'}'"
                )
            }
            return .dataset(key.name)
        default:
            let valid = (["attribute"] + entities.sorted().map { String($0.dropLast()) }).map { "'\($0)'" }
            throw RegistryError(
                .invalidArgument,
                "Invalid entity type '\(key.prefix ?? "")'. Valid values are [\(valid.joined(separator: ", "))]"
            )
        }
    }

    /// The comparator, if this field allows it.
    /// - Throws: `.invalidArgument` with MLflow's "Invalid comparator" message.
    func check(comparator text: String, for field: SearchClause.Field) throws -> SearchClause.Operator {
        let allowed = comparators(for: field)
        guard let op = SearchClause.Operator(rawValue: text.uppercased()), allowed.contains(op) else {
            throw RegistryError(
                .invalidArgument,
                "Invalid comparator '\(text)' not one of '{\(Self.pythonSet(allowed.map(\.rawValue)))}'"
            )
        }
        return op
    }

    /// Checks the value's type against the field: numbers for metrics and numeric attributes, text otherwise.
    func check(_ clause: SearchClause) throws -> SearchClause {
        var clause = clause
        let numeric: Bool
        switch clause.field {
        case .metric: numeric = true
        case .attribute(let name): numeric = numericAttributes.contains(name)
        default: numeric = false
        }
        switch (clause.value, numeric) {
        case (.string(let text), true):
            guard let number = Double(text) else {
                throw RegistryError(.invalidArgument, "Expected a numeric value for '\(describe(clause.field))'.")
            }
            clause.value = .number(number)
        case (.number, false):
            throw RegistryError(
                .invalidArgument,
                "Expected a quoted string value for '\(describe(clause.field))' (e.g. 'my-value')."
            )
        default: break
        }
        return clause
    }

    /// The field a sort key names.
    func orderField(for key: (prefix: String?, name: String)) throws -> SearchClause.Field {
        if key.prefix.map(Self.entity(ofPrefix:)) ?? "" == "", orderAttributes.contains(key.name) {
            return .attribute(key.name)
        }
        let field = try field(for: key)
        if case .attribute(let name) = field, !orderAttributes.contains(name) {
            throw RegistryError(
                .invalidArgument,
                "Invalid order_by key '\(name)'. Valid keys are '{\(Self.pythonSet(orderAttributes))}'"
            )
        }
        return field
    }

    private func comparators(for field: SearchClause.Field) -> [SearchClause.Operator] {
        switch field {
        case .metric: Self.numericComparators
        case .tag, .param: tagComparators
        case .dataset: [.equal, .notEqual, .like, .caseInsensitiveLike, .isIn, .notIn]
        case .attribute(let name): numericAttributes.contains(name) ? Self.numericComparators : stringComparators
        }
    }

    private func describe(_ field: SearchClause.Field) -> String {
        switch field {
        case .attribute(let name): name
        case .metric(let name): "metrics.\(name)"
        case .param(let name): "params.\(name)"
        case .tag(let name): "tags.\(name)"
        case .dataset(let name): "datasets.\(name)"
        }
    }

    /// `'a', 'b'`: how Python prints the members of a set of strings (sorted here, so messages are stable).
    static func pythonSet(_ items: [String]) -> String {
        items.sorted().map { "'\($0)'" }.joined(separator: ", ")
    }
}

extension MLflowSearchSchema {
    /// Parses a `registered-models/search` filter into the core's model clauses.
    static func modelFilter(_ filter: String?) throws -> ModelFilter {
        let clauses = try MLflowFilterParser.parse(filter, schema: .registeredModels).map { clause in
            let field: ModelFilterClause.Field =
                switch clause.field {
                case .tag(let key): .tag(key)
                default: .name
                }
            if clause.op == .isIn, case .list(let values) = clause.value {
                return ModelFilterClause(field: field, in: values)
            }
            guard let op = ModelFilterClause.Operator(rawValue: clause.op.rawValue), op != .isIn,
                case .string(let value) = clause.value
            else {
                throw RegistryError(
                    .invalidArgument,
                    "Registered-model filters compare with =, !=, LIKE or ILIKE (and name IN ('a', 'b'))."
                )
            }
            return ModelFilterClause(field: field, op: op, value: value)
        }
        return ModelFilter(clauses: clauses)
    }
}

import Foundation

/// The document form of a ``Policy`` (JSON; the CLI also reads YAML and sends JSON):
///
/// ```yaml
/// stages:
///   Production:
///     approvals: 2              # 0 to 20; default 1
///     separation_of_duties: true  # the version's creator may not approve (default true)
///     archive_existing: true    # archive the previous Production version when applied (default false)
///     gates:
///       metrics: ["accuracy >= 0.9", "auc >= production.auc - 0.005"]
///       metrics_source: run     # the run's metrics as sealed with the version (default: version)
///       model_card: [intended_use, limitations]
///       signature: true
///       dataset_digest: true
///       tags: [reviewed, "risk=low"]
/// aliases:
///   champion:
///     approvals: 1
/// ```
extension Policy {
    /// Parses and validates a policy document; every error names the field at fault.
    /// - Throws: `.invalidArgument`, `.payloadTooLarge`.
    public init(document bytes: [UInt8]) throws(RegistryError) {
        try self.init(DocumentValue.parse(bytes, what: "policy", maxBytes: Self.maxDocumentBytes))
    }

    /// Reads a policy from a parsed document.
    /// - Throws: `.invalidArgument` naming the field at fault.
    public init(_ value: DocumentValue) throws(RegistryError) {
        let root = try DocumentObject(value, path: "", allowed: ["stages", "aliases"])
        var stages: [Stage: TransitionRule] = [:]
        for (key, value) in try root.object("stages") ?? [:] {
            guard let stage = Stage(caseInsensitive: key), stage == .staging || stage == .production else {
                throw .invalid(
                    "stages.\(key.prefix(80)): not a guardable stage. Use Staging or Production (leaving a guarded "
                        + "stage needs an admin; archiving is never gated)."
                )
            }
            guard stages[stage] == nil else { throw .invalid("stages: \(stage.rawValue) is given twice.") }
            stages[stage] = try Self.rule(value, path: "stages.\(stage.rawValue)", stage: stage)
        }
        var aliases: [String: TransitionRule] = [:]
        for (alias, value) in try root.object("aliases") ?? [:] {
            do {
                try AliasName.validate(alias)
            } catch {
                throw .invalid("aliases.\(alias.prefix(80)): \(error.message)")
            }
            aliases[alias] = try Self.rule(value, path: "aliases.\(alias)", stage: nil)
        }
        self.init(stages: stages, aliases: aliases)
        // The stored form writes every default out; it must stay within the limit it is read back with.
        let stored = document.canonicalJSON.utf8.count
        guard stored <= Self.maxDocumentBytes else {
            throw RegistryError(
                .payloadTooLarge,
                "The policy is \(stored) bytes in its stored form; the limit is \(Self.maxDocumentBytes)."
            )
        }
    }

    static func rule(_ value: DocumentValue, path: String, stage: Stage?) throws(RegistryError)
        -> TransitionRule
    {
        let object = try DocumentObject(
            value,
            path: path,
            allowed: ["approvals", "separation_of_duties", "archive_existing", "gates"]
        )
        var rule = TransitionRule()
        rule.approvals = try object.int("approvals", in: 0...maxApprovals) ?? 1
        rule.separationOfDuties = try object.bool("separation_of_duties") ?? true
        rule.archiveExisting = try object.bool("archive_existing") ?? false
        if rule.archiveExisting, stage != .staging, stage != .production {
            throw .invalid("\(path).archive_existing applies only to the Staging and Production stages.")
        }
        if let gates = object.value("gates") {
            (rule.gates, rule.metricsSource) = try Self.gates(gates, path: path + ".gates")
        }
        return rule
    }

    private static func gates(_ value: DocumentValue, path: String) throws(RegistryError)
        -> ([Gate], TransitionRule.MetricsSource)
    {
        let object = try DocumentObject(
            value,
            path: path,
            allowed: ["metrics", "metrics_source", "model_card", "signature", "dataset_digest", "tags"]
        )
        var gates: [Gate] = []
        for (index, text) in (try object.strings("metrics", maxCount: maxGates) ?? []).enumerated() {
            do {
                gates.append(.metric(try MetricExpression(parsing: text)))
            } catch {
                throw .invalid("\(path).metrics[\(index)]: \(error.message)")
            }
        }
        if let names = try object.strings("model_card", maxCount: ModelCard.Field.allCases.count) {
            var fields: [ModelCard.Field] = []
            for (index, name) in names.enumerated() {
                do {
                    fields.append(try ModelCard.Field(parsing: name))
                } catch {
                    throw .invalid("\(path).model_card[\(index)]: \(error.message)")
                }
            }
            if !fields.isEmpty { gates.append(.modelCard(fields)) }
        }
        if try object.bool("signature") == true { gates.append(.signature) }
        if try object.bool("dataset_digest") == true { gates.append(.datasetDigest) }
        if let tags = try object.strings("tags", maxCount: maxGates) {
            for (index, tag) in tags.enumerated() {
                let key = tag.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                do {
                    try TagRules.validate(key: key, value: "")
                } catch {
                    throw .invalid("\(path).tags[\(index)]: \(error.message)")
                }
            }
            if !tags.isEmpty { gates.append(.tags(tags)) }
        }
        guard gates.count <= maxGates else { throw .invalid("\(path): at most \(maxGates) gates.") }
        let source = try object.string("metrics_source", maxBytes: 16) ?? TransitionRule.MetricsSource.version.rawValue
        guard let metricsSource = TransitionRule.MetricsSource(rawValue: source) else {
            throw .invalid("\(path).metrics_source must be \"version\" or \"run\".")
        }
        return (gates, metricsSource)
    }

    /// Reads back a rule stored with a request (``ruleDocument(_:)``'s canonical JSON).
    /// - Throws: `.internalError` when the stored text is not a rule (a corrupted row).
    static func rule(document text: String, target: TransitionTarget) throws(RegistryError) -> TransitionRule {
        let stage: Stage? = if case .stage(let stage) = target { stage } else { nil }
        do {
            let value = try DocumentValue.parse(Array(text.utf8), what: "stored rule", maxBytes: .max)
            return try rule(value, path: "rule", stage: stage)
        } catch {
            throw RegistryError(.internalError, "A stored transition rule is unreadable: \(error.message)")
        }
    }

    /// The policy as a document, in canonical form: parsing it gives back an equal policy.
    public var document: DocumentValue {
        let rule = Self.ruleDocument
        return .object([
            "stages": .object(Dictionary(uniqueKeysWithValues: stages.map { ($0.key.rawValue, rule($0.value)) })),
            "aliases": .object(aliases.mapValues(rule)),
        ])
    }

    /// One rule as a document.
    static func ruleDocument(_ rule: TransitionRule) -> DocumentValue {
        var gates: [String: DocumentValue] = [:]
        var metrics: [DocumentValue] = []
        for gate in rule.gates {
            switch gate {
            case .metric(let expression): metrics.append(.string(expression.text))
            case .modelCard(let fields): gates["model_card"] = .array(fields.map { .string($0.rawValue) })
            case .signature: gates["signature"] = .bool(true)
            case .datasetDigest: gates["dataset_digest"] = .bool(true)
            case .tags(let tags): gates["tags"] = .array(tags.map(DocumentValue.string))
            }
        }
        if !metrics.isEmpty { gates["metrics"] = .array(metrics) }
        if rule.metricsSource != .version { gates["metrics_source"] = .string(rule.metricsSource.rawValue) }
        return .object([
            "approvals": .number(Double(rule.approvals)),
            "separation_of_duties": .bool(rule.separationOfDuties),
            "archive_existing": .bool(rule.archiveExisting),
            "gates": .object(gates),
        ])
    }
}

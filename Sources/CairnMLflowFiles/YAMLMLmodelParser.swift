import CairnCore
import Yams

/// Reads MLflow `MLmodel` files with a real YAML parser (libyaml, through Yams): whatever PyYAML writes — long
/// strings folded over several lines, single- or double-quoted, plain or block scalars, flow or block mappings —
/// reads back as the string MLflow put in.
///
/// Only the failsafe schema is used (every scalar a string; no implicit int, float, bool or timestamp resolution):
/// the fields read are strings, and nothing in the file can make the parser build other types. `null`, `~` and empty
/// plain scalars count as absent, as in YAML's core schema.
public struct YAMLMLmodelParser: MLmodelParser {
    public init() {}

    public func parse(_ text: String) throws(RegistryError) -> MLmodelDocument {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw RegistryError(.invalidArgument, "The MLmodel file is not YAML: \(Self.describe(error))")
        }
        guard let root else { return MLmodelDocument() }
        guard let document = root.mapping else {
            throw RegistryError(.invalidArgument, "The MLmodel file must be a YAML mapping (flavors:, signature:, …).")
        }
        guard let signature = document["signature"].flatMap(Self.present) else { return MLmodelDocument() }
        guard let fields = signature.mapping else {
            throw RegistryError(
                .invalidArgument,
                "The MLmodel file's signature must be a mapping of inputs, outputs and params."
            )
        }
        func field(_ key: String) throws(RegistryError) -> String? {
            guard let node = fields[key].flatMap(Self.present) else { return nil }
            guard let scalar = node.scalar else {
                throw RegistryError(
                    .invalidArgument,
                    "The MLmodel file's signature.\(key) must be a string (a JSON document)."
                )
            }
            return scalar.string
        }
        let parsed = ModelSignature(
            inputs: try field("inputs"),
            outputs: try field("outputs"),
            params: try field("params")
        )
        guard parsed.inputs != nil || parsed.outputs != nil || parsed.params != nil else { return MLmodelDocument() }
        return MLmodelDocument(signature: parsed)
    }

    /// `node`, unless it is YAML's null (a plain `null`, `Null`, `NULL`, `~` or empty scalar).
    static func present(_ node: Node) -> Node? {
        guard let scalar = node.scalar, scalar.style == .plain else { return node }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string) ? nil : node
    }

    /// libyaml's problem and position ("line 3, column 5"), never the document's text.
    static func describe(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return "it could not be parsed." }
        switch yaml {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)."
        default:
            return "it could not be read as YAML text."
        }
    }
}

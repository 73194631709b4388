import CairnClient
import CairnCore
import Foundation
import Yams

/// Policy and model-card documents on disk: YAML or JSON (YAML is a superset; both go through the YAML parser) read
/// into a `DocumentValue` the server validates, and rendered back as YAML for display.
///
/// Scalars follow YAML 1.2's core schema, so what reads as a boolean or number in JSON does in YAML too: `true`/`false`
/// are booleans (not `yes`/`no`/`on`/`off`, which stay strings), integers and floats (also `0x1F`, `1_000`, `1e3`) are
/// numbers, `null`/`~`/empty are null, and anything quoted is a string. Timestamps stay strings.
enum DocumentFile {
    /// The most a document file may hold (the server's own limits are lower).
    static let maxBytes = 1024 * 1024

    /// Reads and parses `path` (`-` for standard input).
    /// - Parameter what: What the document is, for messages (`policy`, `model card`).
    /// - Throws: ``CairnClientError``: `INVALID_ARGUMENT` (the command exits with status 2) saying where
    ///   (`FILE:LINE:COLUMN`) and what is wrong for a syntax error, a duplicate key, a non-finite number or a
    ///   non-scalar key, or for an empty file; ``CairnClientError/localIO`` when the file cannot be read.
    static func read(_ path: String, what: String) throws -> DocumentValue {
        let name = path == "-" ? "<stdin>" : path
        let data: Data
        do {
            if path == "-" {
                data = try FileHandle.standardInput.readToEnd() ?? Data()
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        } catch {
            throw CairnClientError(
                code: CairnClientError.localIO,
                message: "Cannot read the \(what) file '\(name)': \(error.localizedDescription)"
            )
        }
        guard data.count <= maxBytes else {
            throw invalid("'\(name)' is \(data.count) bytes; a \(what) file may hold at most \(maxBytes).")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw invalid("'\(name)' is not UTF-8 text; save the \(what) as YAML or JSON in UTF-8.")
        }
        return try parse(text, name: name, what: what)
    }

    /// Parses YAML (or JSON) text.
    /// - Parameter name: The file name to put in front of positions (`policy.yaml:3:7: …`).
    static func parse(_ text: String, name: String, what: String) throws -> DocumentValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, resolver)
        } catch let error as YamlError {
            throw invalid(describe(error, name: name, what: what))
        }
        guard let root else {
            throw invalid("\(name) is empty; write the \(what) as a YAML or JSON object.")
        }
        return try value(of: root, name: name)
    }

    /// YAML 1.2 core schema: no `yes`/`no`/`on`/`off` booleans, no timestamps, no merge keys.
    static let resolver = Resolver.default
        .removing(.timestamp)
        .removing(.merge)
        .removing(.value)
        .replacing(try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"))

    private static func value(of node: Node, name: String) throws -> DocumentValue {
        switch node {
        case .scalar(let scalar):
            switch resolver.resolveTag(of: node) {
            case .null: return .null
            case .bool: return .bool(node.bool ?? false)
            case .int, .float:
                guard let number = node.int.map(Double.init) ?? node.float, number.isFinite else {
                    throw positioned(node, name, "'\(scalar.string)' is not a finite number (quote it for text)")
                }
                return .number(number)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(try sequence.map { try value(of: $0, name: name) })
        case .mapping(let mapping):
            var fields: [String: DocumentValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let scalar) = key else {
                    throw positioned(key, name, "a key must be plain text, not a list or a mapping")
                }
                fields[scalar.string] = try value(of: item, name: name)
            }
            return .object(fields)
        case .alias:
            throw positioned(node, name, "unresolved alias")
        }
    }

    private static func positioned(_ node: Node, _ name: String, _ problem: String) -> CairnClientError {
        let place = node.mark.map { "\(name):\($0.line):\($0.column)" } ?? name
        return invalid("\(place): \(problem).")
    }

    /// `FILE:LINE:COLUMN: the policy is not valid YAML or JSON: problem`, then the offending line with a caret.
    static func describe(_ error: YamlError, name: String, what: String) -> String {
        let lead = "the \(what) is not valid YAML or JSON"
        switch error {
        case .scanner(let context, let problem, let mark, let yaml),
            .parser(let context, let problem, let mark, let yaml),
            .composer(let context, let problem, let mark, let yaml):
            var text = "\(name):\(mark.line):\(mark.column): \(lead): \(problem)"
            if let context { text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            let snippet = mark.snippet(from: yaml).split(separator: "\n", omittingEmptySubsequences: false)
            return text + ".\n" + snippet.map { "    " + $0 }.joined(separator: "\n")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "\(name):\(context.mark.line):\(context.mark.column): \(lead): duplicate key "
                + duplicates.map { "'\($0)'" }.joined(separator: ", ") + "."
        case .reader(let problem, let offset, _, _):
            return "\(name): \(lead): \(problem)" + (offset.map { " at byte \($0)" } ?? "") + "."
        default:
            return "\(name): \(lead): \(error)"
        }
    }

    private static func invalid(_ message: String) -> CairnClientError {
        CairnClientError(code: CairnClientError.invalidArgument, message: message)
    }

    // MARK: - Rendering

    /// The document as YAML (keys sorted), such that reading it back gives the same value.
    static func yaml(_ value: DocumentValue) -> String {
        (try? Yams.serialize(node: node(value), sortKeys: true)) ?? value.canonicalJSON + "\n"
    }

    private static func node(_ value: DocumentValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return Node(String(Int64(number)), Tag(.int)) }
            return Node(String(number), Tag(.float))
        case .string(let text):
            // Text that would read back as another type is quoted.
            let plain = resolver.resolveTag(of: Node(text)) == .str && !text.isEmpty
            return Node(text, Tag(.str), plain ? .any : .doubleQuoted)
        case .array(let items):
            return Node(items.map(node), Tag(.seq), .block)
        case .object(let fields):
            return Node(fields.map { (Node($0.key), node($0.value)) }, Tag(.map), .block)
        }
    }
}

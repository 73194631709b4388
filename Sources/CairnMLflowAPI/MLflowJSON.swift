import Foundation

/// A JSON document as MLflow's proto→JSON mapping writes it, and as request bodies are read.
///
/// Responses are built explicitly from these values, so the rules of SPEC §2 live in one place: int64 values are
/// numbers, ids are strings, enums are names, and unset fields or empty lists are simply never added (see
/// ``JSONObject``). Object keys keep their insertion order, which keeps golden files readable.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value as text, for fields MLflow declares as strings but clients sometimes send as numbers.
    var text: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// Serializes compactly: no whitespace, UTF-8, non-finite doubles as the strings `"NaN"`, `"Infinity"`,
    /// `"-Infinity"` (protobuf's JSON convention, which the client parses).
    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN {
                out += "\"NaN\""
            } else if d.isInfinite {
                out += d > 0 ? "\"Infinity\"" : "\"-Infinity\""
            } else {
                out += "\(d)"
            }
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, field) in object.fields.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(field.key, into: &out)
                out += ":"
                field.value.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The compact serialization.
    var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }
}

extension JSONValue: Decodable {
    /// Decodes any JSON value; numbers without a fraction that fit `Int64` become ``int(_:)``.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            let dictionary = try container.decode([String: JSONValue].self)
            self = .object(JSONObject(fields: dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
    }
}

/// An ordered JSON object whose setters leave out what MLflow leaves out: `nil` values and empty lists.
struct JSONObject: Sendable, Equatable {
    var fields: [(key: String, value: JSONValue)] = []

    init() {}

    init(fields: [(String, JSONValue)]) {
        self.fields = fields.map { (key: $0.0, value: $0.1) }
    }

    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// The value of `key`, if present.
    subscript(key: String) -> JSONValue? {
        fields.first { $0.key == key }?.value
    }

    /// Adds a field unconditionally (use for values that are always present, such as `"inputs": {}`).
    mutating func set(_ key: String, _ value: JSONValue) {
        if let index = fields.firstIndex(where: { $0.key == key }) {
            fields[index].value = value
        } else {
            fields.append((key: key, value: value))
        }
    }

    /// Adds a string field unless `value` is `nil`.
    mutating func set(_ key: String, _ value: String?) {
        if let value { set(key, .string(value)) }
    }

    /// Adds an int64 field unless `value` is `nil`.
    mutating func set(_ key: String, _ value: Int64?) {
        if let value { set(key, .int(value)) }
    }

    /// Adds a list unless it is empty.
    mutating func set(_ key: String, list: [JSONValue]) {
        if !list.isEmpty { set(key, .array(list)) }
    }

    /// Adds an object unless it has no fields.
    mutating func set(_ key: String, nonEmpty object: JSONObject) {
        if !object.fields.isEmpty { set(key, .object(object)) }
    }

    var value: JSONValue { .object(self) }
}

extension Date {
    /// Unix milliseconds, MLflow's timestamp unit.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

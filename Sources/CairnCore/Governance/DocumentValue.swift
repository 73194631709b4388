import Foundation

/// A parsed JSON document: the form in which policies and model cards arrive, so that every error can name the
/// field at fault (`stages.Production.approvals: …`) instead of a decoder's coding path.
public enum DocumentValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([DocumentValue])
    case object([String: DocumentValue])

    /// Parses a JSON document of at most `maxBytes`.
    /// - Throws: `.invalidArgument` naming `what` and saying what is wrong; `.payloadTooLarge`.
    public static func parse(_ bytes: [UInt8], what: String, maxBytes: Int) throws(RegistryError) -> DocumentValue {
        guard bytes.count <= maxBytes else {
            throw RegistryError(.payloadTooLarge, "The \(what) is \(bytes.count) bytes; the limit is \(maxBytes).")
        }
        do {
            return try JSONDecoder().decode(DocumentValue.self, from: Data(bytes))
        } catch {
            throw .invalid("The \(what) is not valid JSON (\(Self.describe(error))). Send a JSON object.")
        }
    }

    /// Canonical JSON text: sorted keys, no insignificant white space.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.typeMismatch(_, let context): context.debugDescription
        default: "unreadable"
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension DocumentValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([DocumentValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: DocumentValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Reads the fields of one object of a document strictly: unknown keys and wrong types are errors that name the
/// field by its path.
struct DocumentObject {
    let path: String
    let fields: [String: DocumentValue]

    init(_ value: DocumentValue, path: String, allowed: [String]) throws(RegistryError) {
        guard case .object(let fields) = value else {
            throw .invalid("\(path.isEmpty ? "The document" : path) must be an object, not \(value.typeName).")
        }
        self.path = path
        self.fields = fields
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid(
                "\(name(unknown)): unknown field. Known fields here: \(allowed.joined(separator: ", "))."
            )
        }
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> DocumentValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func bool(_ key: String) throws(RegistryError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw .invalid("\(name(key)) must be true or false.") }
        return flag
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(RegistryError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, range.contains(Int(exactly: number) ?? -1)
        else {
            throw .invalid("\(name(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return Int(number)
    }

    func string(_ key: String, maxBytes: Int) throws(RegistryError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw .invalid("\(name(key)) must be a string.") }
        guard text.utf8.count <= maxBytes else {
            throw .invalid("\(name(key)) is \(text.utf8.count) bytes; the limit is \(maxBytes).")
        }
        guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .invalid("\(name(key)) contains a NUL byte.")
        }
        return text
    }

    func strings(_ key: String, maxCount: Int) throws(RegistryError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value, items.count <= maxCount else {
            throw .invalid("\(name(key)) must be a list of at most \(maxCount) strings.")
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, !text.isEmpty, text.utf8.count <= 1024 else {
                throw .invalid("\(name(key))[\(index)] must be a non-empty string of at most 1024 bytes.")
            }
            result.append(text)
        }
        return result
    }

    func numbers(_ key: String, maxCount: Int) throws(RegistryError) -> [String: Double]? {
        guard let value = value(key) else { return nil }
        guard case .object(let entries) = value, entries.count <= maxCount else {
            throw .invalid("\(name(key)) must be an object of at most \(maxCount) names to numbers.")
        }
        var result: [String: Double] = [:]
        for (metric, entry) in entries {
            guard case .number(let number) = entry, number.isFinite, !metric.isEmpty, metric.utf8.count <= 250 else {
                throw .invalid(
                    "\(name(key)).\(metric.prefix(80)) must be a finite number under a name of 1 to 250 bytes."
                )
            }
            result[metric] = number
        }
        return result
    }

    func object(_ key: String) throws(RegistryError) -> [String: DocumentValue]? {
        guard let value = value(key) else { return nil }
        guard case .object(let entries) = value else { throw .invalid("\(name(key)) must be an object.") }
        return entries
    }
}

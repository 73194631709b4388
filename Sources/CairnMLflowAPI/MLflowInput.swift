import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The arguments of one MLflow call: the query string of a GET, or the JSON body of a POST/PATCH/DELETE.
///
/// MLflow names arguments after proto fields in both places; arrays are repeated query keys or JSON arrays. Values
/// are read leniently where the client is known to vary (a version as `"2"` or `2`), strictly otherwise.
struct MLflowInput: Sendable {
    /// A query string (GET) or a JSON object (everything else).
    enum Source: Sendable {
        case query([(String, String)])
        case json(JSONObject)
    }

    var source: Source

    /// Largest JSON body accepted: metadata only (1 MiB is far above the largest log-batch the client sends).
    static let maxBodyBytes = 4 << 20

    /// Reads the arguments of `request`: its query for GET, its JSON body otherwise. An empty body reads as `{}`.
    /// - Throws: `.invalidArgument` for a non-JSON Content-Type (even with an empty body), a body without one, malformed
    ///   framing, or a body that is not a JSON object; `.payloadTooLarge` past ``maxBodyBytes``.
    static func read(_ request: Request) async throws -> MLflowInput {
        if request.method == .get {
            return MLflowInput(source: .query(try queryPairs(request.uri.query)))
        }
        return try parse(body: try await body(of: request), contentType: request.headers[.contentType])
    }

    /// The raw JSON body of a POST/PATCH/DELETE, after the media-type check.
    /// - Throws: `.invalidArgument` for a non-JSON Content-Type; `.payloadTooLarge` past ``maxBodyBytes``.
    static func body(of request: Request) async throws -> ByteBuffer {
        // A content type, when sent, must be JSON even for an empty body: a cross-site form post is not a call.
        let contentType = request.headers[.contentType]
        if let contentType, !contentType.isEmpty, !JSONMediaType.matches(contentType) {
            await RequestBodyReader.discard(request)
            throw RegistryError.badValue(
                "Bad Request. Content-Type must be 'application/json' (got '\(contentType.prefix(80))')."
            )
        }
        return try await RequestBodyReader.collect(request, limit: maxBodyBytes)
    }

    /// The arguments in a collected body (see ``read(_:)``).
    static func parse(body buffer: ByteBuffer, contentType: String?) throws -> MLflowInput {
        let bytes = Data(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return MLflowInput(source: .json(JSONObject()))
        }
        guard let contentType, !contentType.isEmpty else {
            throw RegistryError.badValue("Bad Request. Content-Type header is missing.")
        }
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: bytes) else {
            throw RegistryError.badValue("The request body is not a JSON object.")
        }
        return MLflowInput(source: .json(object))
    }

    /// The pairs of a raw query string, decoded as HTML forms are: `+` is a space, then `%XX` escapes. (The Python
    /// client encodes spaces as `+`: `filter=name+LIKE+%27a%25%27`.)
    /// - Throws: `.invalidArgument` for malformed percent-encoding.
    static func queryPairs(_ query: String?) throws -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        func decode(_ part: Substring) throws -> String {
            let spaced = part.replacingOccurrences(of: "+", with: " ")
            guard let text = spaced.removingPercentEncoding else {
                throw RegistryError.badValue("The query string has malformed percent-encoding.")
            }
            return text
        }
        return try query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (try decode(pair), "") }
            return (try decode(pair[..<equals]), try decode(pair[pair.index(after: equals)...]))
        }
    }

    /// Every raw value of `key`.
    private func values(_ key: String) -> [JSONValue] {
        switch source {
        case .query(let pairs): return pairs.filter { $0.0 == key }.map { .string($0.1) }
        case .json(let object):
            switch object[key] {
            case .none, .null: return []
            case .array(let items): return items
            case .some(let value): return [value]
            }
        }
    }

    /// A string argument; `nil` when absent.
    /// - Throws: `.invalidArgument` when it is an object or a list.
    func string(_ key: String) throws -> String? {
        guard let value = values(key).first else { return nil }
        guard let text = value.text else { throw RegistryError.badValue("Parameter '\(key)' must be a string.") }
        return text
    }

    /// A required, non-empty string argument.
    /// - Throws: `.invalidArgument` with MLflow's "Missing value for required parameter" message.
    func required(_ key: String) throws -> String {
        guard let text = try string(key), !text.isEmpty else { throw RegistryError.missing(key) }
        return text
    }

    /// The first present of several names (`run_id`, then the legacy `run_uuid`).
    func required(anyOf keys: [String]) throws -> String {
        for key in keys {
            if let text = try string(key), !text.isEmpty { return text }
        }
        throw RegistryError.missing(keys[0])
    }

    /// An int64 argument: a JSON number or a decimal string.
    func int64(_ key: String) throws -> Int64? {
        guard let value = values(key).first else { return nil }
        if case .int(let i) = value { return i }
        if case .double(let d) = value, d.rounded() == d, abs(d) < 9e18 { return Int64(d) }
        if case .string(let s) = value, let i = Int64(s) { return i }
        throw RegistryError.badValue("Parameter '\(key)' must be an integer.")
    }

    /// A double argument (`value` of a metric): a number, or `"NaN"`/`"Infinity"`/`"-Infinity"`.
    func double(_ key: String) throws -> Double? {
        guard let value = values(key).first else { return nil }
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s):
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: if let d = Double(s) { return d }
            }
        default: break
        }
        throw RegistryError.badValue("Parameter '\(key)' must be a number.")
    }

    /// A boolean argument: JSON `true`/`false` or the strings `"true"`/`"false"`.
    func bool(_ key: String) throws -> Bool? {
        guard let value = values(key).first else { return nil }
        if case .bool(let b) = value { return b }
        if case .string(let s) = value, let b = Bool(s.lowercased()) { return b }
        throw RegistryError.badValue("Parameter '\(key)' must be true or false.")
    }

    /// A list of strings (`experiment_ids`, `stages`, `order_by`): a JSON array or repeated query keys.
    func strings(_ key: String) throws -> [String] {
        try values(key).map { value in
            guard let text = value.text else {
                throw RegistryError.badValue("Parameter '\(key)' must be a list of strings.")
            }
            return text
        }
    }

    /// A list of nested objects (`metrics`, `datasets`, `models`).
    func objects(_ key: String) throws -> [MLflowInput] {
        try values(key).map { value in
            guard case .object(let object) = value else {
                throw RegistryError.badValue("Parameter '\(key)' must be a list of objects.")
            }
            return MLflowInput(source: .json(object))
        }
    }

    /// A nested object (`dataset` of a dataset input).
    func object(_ key: String) throws -> MLflowInput? {
        guard let value = values(key).first else { return nil }
        guard case .object(let object) = value else {
            throw RegistryError.badValue("Parameter '\(key)' must be an object.")
        }
        return MLflowInput(source: .json(object))
    }

    /// `[{key, value}]` pairs (`tags`, `params`), in order; a later duplicate key wins in the dictionary form.
    func keyValues(_ key: String) throws -> [(key: String, value: String)] {
        try objects(key).map { item in
            (key: try item.required("key"), value: try item.string("value") ?? "")
        }
    }

    /// `[{key, value}]` pairs as a dictionary.
    func tagDictionary(_ key: String) throws -> [String: String] {
        Dictionary(try keyValues(key).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// `max_results`, defaulted and bounded (a bad value is the caller's mistake: 400, never 500).
    func limit(default value: Int, max: Int) throws -> Int {
        guard let requested = try int64("max_results") else { return value }
        guard requested >= 1, requested <= Int64(max) else {
            throw RegistryError.badValue("Invalid value \(requested) for parameter 'max_results': use 1 to \(max).")
        }
        return Int(requested)
    }

    /// `page_token`, `nil` when absent or empty.
    func pageToken() throws -> String? {
        guard let token = try string("page_token"), !token.isEmpty else { return nil }
        return token
    }
}

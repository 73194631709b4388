import Foundation

/// Canonical JSON for event payloads: sorted keys, no insignificant white space, slashes as they are. Non-finite
/// numbers (a run may log `NaN`) are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` and read back
/// as numbers, so every payload has a text; a payload that still cannot be encoded is an error, never a silent `{}`.
enum EventJSON {
    private static let infinity = "Infinity"
    private static let nan = "NaN"

    static func encode(_ value: some Encodable) throws(RegistryError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: infinity,
            negativeInfinity: "-" + infinity,
            nan: nan
        )
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw RegistryError(
                .internalError,
                "An event payload could not be encoded (\(error)); nothing was recorded."
            )
        }
    }

    /// Reads `text` as `type`; `what` names the payload in the error (`a 'model.created' event`).
    static func decode<T: Decodable>(_ type: T.Type, from text: String, what: String) throws(RegistryError) -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: infinity,
            negativeInfinity: "-" + infinity,
            nan: nan
        )
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw RegistryError(
                .internalError,
                "The payload of \(what) does not match the event catalogue (\(error))."
            )
        }
    }
}

extension AuditEvent {
    /// The typed event: the catalogue's case for ``action`` with ``payload`` read into it.
    /// - Throws: `.internalError` when the action is not in the catalogue or the payload is not its payload (a log
    ///   written by a newer release, or one edited by hand: ``EventChain`` tells which).
    public func decoded() throws(RegistryError) -> RegistryEvent {
        guard let known = EventAction(rawValue: action) else {
            throw RegistryError(
                .internalError,
                "Event \(sequence) has action '\(action)', which is not in the catalogue."
            )
        }
        return try RegistryEvent(action: known, payload: payload)
    }
}

/// The published form of one event: what webhooks deliver, the watch stream sends and clients may store. Versioned
/// by ``schema``; a change that removes or retypes a field is a new schema, while fields may be added to the
/// payloads (as optionals) within one.
public struct EventEnvelope: Hashable, Sendable, Codable {
    /// `cairn.event/1`.
    public static let currentSchema = "cairn.event/1"

    public var schema: String
    public var sequence: Int64
    /// Milliseconds since the epoch, as the chain hashes it.
    public var time: Int64
    public var actor: String
    public var action: String
    public var subject: String
    public var modelID: String?
    /// The payload as stored (the catalogue's JSON for ``action``).
    public var payload: DocumentValue
    /// The event's chain hash: a receiver can check it against `cairn audit verify` or an exported chain head.
    public var hash: String

    /// The envelope of a stored event. The payload must be the catalogue's for the action, so what is published is
    /// what consumers can decode.
    /// - Throws: `.internalError` as ``AuditEvent/decoded()``.
    public init(_ event: AuditEvent) throws(RegistryError) {
        _ = try event.decoded()
        schema = Self.currentSchema
        sequence = event.sequence
        time = Int64((event.time.timeIntervalSince1970 * 1000).rounded())
        actor = event.actor
        action = event.action
        subject = event.subject
        modelID = event.modelID
        payload = try EventJSON.decode(DocumentValue.self, from: event.payload, what: "event \(event.sequence)")
        hash = event.hash
    }

    /// The typed event inside.
    /// - Throws: `.internalError` for an action outside the catalogue or a payload that is not its payload.
    public func decoded() throws(RegistryError) -> RegistryEvent {
        guard let known = EventAction(rawValue: action) else {
            throw RegistryError(.internalError, "Action '\(action)' is not in the catalogue of \(schema).")
        }
        return try RegistryEvent(action: known, payload: try EventJSON.encode(payload))
    }

    enum CodingKeys: String, CodingKey {
        case schema, sequence, time, actor, action, subject, payload, hash
        case modelID = "model_id"
    }
}

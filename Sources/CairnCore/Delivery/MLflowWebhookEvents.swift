import Foundation

/// How a webhook's deliveries look on the wire.
public enum WebhookFormat: String, Hashable, Sendable, CaseIterable {
    /// Cairn's: `{type, timestamp, data: EventEnvelope, links}`, Standard Webhooks headers (decision 0020).
    case cairn
    /// MLflow 3's (webhooks created through `/api/2.0/mlflow/webhooks`): `{entity, action, timestamp, data}` with
    /// MLflow's payload per event, and the `X-MLflow-Delivery-Id`, `X-MLflow-Timestamp`, `X-MLflow-Signature`
    /// headers, signed with the secret's UTF-8 bytes, so an MLflow receiver works unchanged.
    case mlflow
}

/// MLflow's webhook events (`entity.action`) and which of Cairn's actions raise them.
public enum MLflowWebhookEvents {
    /// The model-registry events Cairn raises, with the Cairn actions behind each. A version is "created" for MLflow
    /// when it can be loaded: registered in one call (the MLflow surface), or finalized after its uploads (native).
    public static let sources: [String: Set<String>] = [
        "registered_model.created": [EventAction.modelCreated.rawValue],
        "model_version.created": [EventAction.versionRegistered.rawValue, EventAction.versionFinalized.rawValue],
        "model_version_tag.set": [EventAction.versionTagSet.rawValue],
        "model_version_tag.deleted": [EventAction.versionTagDeleted.rawValue],
        "model_version_alias.created": [EventAction.aliasSet.rawValue],
        "model_version_alias.deleted": [EventAction.aliasDeleted.rawValue],
    ]

    /// MLflow's events for its prompt registry and budgets, which Cairn does not have.
    static let unsupported: Set<String> = [
        "prompt.created", "prompt_version.created", "prompt_tag.set", "prompt_tag.deleted", "prompt_version_tag.set",
        "prompt_version_tag.deleted", "prompt_alias.created", "prompt_alias.deleted", "budget_policy.exceeded",
    ]

    /// - Throws: `.invalidArgument` naming the events Cairn raises.
    static func validate(_ events: [String]) throws(RegistryError) {
        guard !events.isEmpty else { throw .invalid("Subscribe the webhook to at least one event.") }
        for event in events where sources[event] == nil {
            let known = sources.keys.sorted().joined(separator: ", ")
            if unsupported.contains(event) {
                throw .invalid(
                    "Cairn has no prompt registry or budget policies, so '\(event)' never fires. Use: \(known)."
                )
            }
            throw .invalid("'\(event.prefix(80))' is not an MLflow webhook event. Use: \(known).")
        }
    }

    /// The MLflow event `event` raises, if any of `subscribed`.
    static func event(for event: AuditEvent, in subscribed: [String]) -> String? {
        subscribed.first { sources[$0]?.contains(event.action) == true }
    }

    /// The delivery body: `{entity, action, timestamp, data}` with MLflow's payload for `name`, built from the
    /// event and, for a new version, the version as the catalog holds it.
    static func body(_ name: String, event: AuditEvent, version: ModelVersion?) throws -> [UInt8] {
        let parts = event.subject.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let model = parts.count > 1 ? parts[1] : ""
        let number = parts.count > 3 && parts[2] == "version" ? parts[3] : nil
        var data: [String: DocumentValue] = ["name": .string(model)]
        let decoded = try event.decoded()
        switch decoded {
        case .modelCreated(let created):
            data["tags"] = .object(created.tags.mapValues(DocumentValue.string))
            data["description"] = created.description.isEmpty ? .null : .string(created.description)
        case .versionRegistered, .versionFinalized:
            data["version"] = .string(number ?? version.map { String($0.number) } ?? "")
            data["source"] = .string(version?.lineage.source ?? "")
            data["run_id"] = version?.lineage.runID.map(DocumentValue.string) ?? .null
            data["tags"] = .object((version?.tags ?? [:]).mapValues(DocumentValue.string))
            data["description"] = version.map { $0.description.isEmpty ? .null : .string($0.description) } ?? .null
            if case .versionRegistered(let registered) = decoded {
                if data["source"] == .string("") { data["source"] = .string(registered.source) }
                if data["run_id"] == .null, !registered.runID.isEmpty { data["run_id"] = .string(registered.runID) }
            }
        case .versionTagSet(let tag):
            data["version"] = .string(number ?? "")
            data["key"] = .string(tag.key)
            data["value"] = .string(tag.value)
        case .versionTagDeleted(let tag):
            data["version"] = .string(number ?? "")
            data["key"] = .string(tag.key)
        case .aliasSet(let alias):
            data["alias"] = .string(parts.last ?? "")
            data["version"] = .string(String(alias.version))
        case .aliasDeleted:
            data["alias"] = .string(parts.last ?? "")
        default:
            throw RegistryError(.internalError, "'\(event.action)' raises no MLflow webhook event.")
        }
        return try envelope(name, data: data, at: event.time)
    }

    /// MLflow's `test_webhook` payload: its documented example for the event.
    static func example(_ name: String, at now: Date) throws -> [UInt8] {
        let entity = name.split(separator: ".").first.map(String.init) ?? ""
        var data: [String: DocumentValue] = ["name": .string("example_model")]
        switch entity {
        case "registered_model":
            data["tags"] = .object(["example_key": .string("example_value")])
            data["description"] = .string("An example registered model")
        case "model_version":
            data["version"] = .string("1")
            data["source"] = .string("models:/123")
            data["run_id"] = .string("abcd1234abcd5678")
            data["tags"] = .object(["example_key": .string("example_value")])
            data["description"] = .string("An example model version")
        case "model_version_tag":
            data["version"] = .string("1")
            data["key"] = .string("example_key")
            if name.hasSuffix(".set") { data["value"] = .string("example_value") }
        default:
            data["alias"] = .string("example_alias")
            if name.hasSuffix(".created") { data["version"] = .string("1") }
        }
        return try envelope(name, data: data, at: now)
    }

    private static func envelope(_ name: String, data: [String: DocumentValue], at time: Date) throws -> [UInt8] {
        let split = name.split(separator: ".", maxSplits: 1).map(String.init)
        let body: DocumentValue = .object([
            "entity": .string(split.first ?? ""),
            "action": .string(split.last ?? ""),
            "timestamp": .string(WebhookBody.iso8601(time)),
            "data": .object(data),
        ])
        return Array(try EventJSON.encode(body).utf8)
    }
}

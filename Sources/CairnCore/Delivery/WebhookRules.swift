import Foundation

/// What a webhook's fields may hold.
enum WebhookRules {
    /// 1 to 64 of letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    static func validateName(_ name: String) throws(RegistryError) {
        let scalars = name.unicodeScalars
        guard (1...64).contains(scalars.count),
            scalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }),
            let first = scalars.first, CharacterSet.alphanumerics.contains(first)
        else {
            throw .invalid(
                "A webhook name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                    + "'\(name.prefix(64))'."
            )
        }
    }

    /// An absolute `http` or `https` URL without credentials or fragment, at most 2048 bytes, whose host is not an
    /// address or name the outbound policy refuses. (Names are judged again on the address DNS gives at connect time.)
    static func validateURL(_ text: String, policy: OutboundAddressPolicy) throws(RegistryError) {
        guard text.utf8.count <= 2048, let url = URLComponents(string: text),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw .invalid("A webhook URL is an absolute http:// or https:// URL of at most 2048 bytes.")
        }
        guard url.user == nil, url.password == nil, url.fragment == nil else {
            throw .invalid(
                "A webhook URL carries no user, password or fragment: receivers authenticate Cairn by the signature."
            )
        }
        if let address = IPAddress(parsing: host), let why = policy.refusal(for: address) {
            throw .invalid("The webhook URL names \(why). " + allowHint(policy))
        }
        if IPAddress(parsing: host) == nil, !policy.allowPrivate, let why = InternalAddresses.reason(forHost: host) {
            throw .invalid("The webhook URL's host is \(why). " + allowHint(policy))
        }
    }

    private static func allowHint(_ policy: OutboundAddressPolicy) -> String {
        policy.allowPrivate
            ? "Cairn never calls link-local, metadata or reserved addresses."
            : "Cairn calls public addresses only, unless the server runs with --webhook-allow-private."
    }

    static func validateFilter(actions: [String], modelPattern: String?, format: WebhookFormat = .cairn)
        throws(RegistryError)
    {
        switch format {
        case .cairn: try EventFilter(actions: actions).validate()
        case .mlflow: try MLflowWebhookEvents.validate(actions)
        }
        if let modelPattern {
            let stripped = modelPattern.replacingOccurrences(of: "*", with: "a").replacingOccurrences(
                of: "?",
                with: "a"
            )
            guard !modelPattern.isEmpty, (try? ModelName.validate(stripped)) != nil else {
                throw .invalid(
                    "'\(modelPattern.prefix(80))' is not a model-name pattern: a model name in which '*' stands for "
                        + "any run of characters and '?' for one."
                )
            }
        }
    }

    /// A secret an admin chose: 8 to 512 printable ASCII characters (MLflow's documented examples are 15).
    static func validateSecret(_ secret: String) throws(RegistryError) -> String {
        guard (8...512).contains(secret.utf8.count),
            secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw .invalid("A webhook secret is 8 to 512 printable ASCII characters without spaces.")
        }
        return secret
    }

    /// `whsec_` and base64 of 32 random bytes, the Standard Webhooks form.
    static func makeSecret() -> String {
        "whsec_" + Data(Secret.randomBytes()).base64EncodedString()
    }

    /// The URL without query and credentials, for the audit log (a query may carry a receiver's token).
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text) else { return "" }
        url.query = nil
        url.user = nil
        url.password = nil
        url.fragment = nil
        return url.string ?? ""
    }
}

/// The JSON a receiver gets: `type` (the action), `timestamp` (the event's time, ISO 8601), `data` (the published
/// ``EventEnvelope``, the same as the watch stream sends) and `links` to what the event is about.
struct WebhookBody: Encodable {
    var type: String
    var timestamp: String
    var data: EventEnvelope?
    var webhook: Ping?
    var links: [String: String]?

    struct Ping: Encodable {
        var id: String
        var name: String
        var message: String
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func iso8601(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        )
    }

    static func event(_ event: AuditEvent) throws -> [UInt8] {
        let body = WebhookBody(
            type: event.action,
            timestamp: iso8601(event.time),
            data: try EventEnvelope(event),
            links: links(forSubject: event.subject)
        )
        return Array(try encoder.encode(body))
    }

    static func ping(_ webhook: Webhook, at now: Date) throws -> [UInt8] {
        let body = WebhookBody(
            type: "webhook.test",
            timestamp: iso8601(now),
            webhook: Ping(id: webhook.id, name: webhook.name, message: "A test delivery from Cairn.")
        )
        return Array(try encoder.encode(body))
    }

    /// The model, the version and its model card, as native API paths, for events about them.
    static func links(forSubject subject: String) -> [String: String]? {
        let parts = subject.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "model" else { return nil }
        let name = String(parts[1]).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
        guard let name else { return nil }
        var links = ["model": "/api/v1/models/\(name)"]
        if parts.count >= 4, parts[2] == "version", let number = Int(parts[3]) {
            links["version"] = "/api/v1/models/\(name)/versions/\(number)"
            links["model_card"] = "/api/v1/models/\(name)/versions/\(number)/card"
        }
        return links
    }

    /// The model an event is about, by its subject (`model/NAME/…`).
    static func modelName(inSubject subject: String) -> String? {
        let parts = subject.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "model", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }
}

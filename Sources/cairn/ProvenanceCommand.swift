import ArgumentParser
import CairnClient
import CairnCore
import CairnWire

/// `cairn provenance REF`: how a version came to be, and came to be where it is.
struct ProvenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Show a version's lineage, model card, approvals with their gate evidence, and stage changes.",
        discussion: """
            REF is NAME/3, NAME/latest, NAME/Production, NAME@champion, or the same as a models:/ URI.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The version: NAME/VERSION, NAME/STAGE, NAME@ALIAS or a models:/ URI.") var ref: String

    /// The ref as a `models:/` URI: the short forms are the URI without its scheme.
    static func uri(_ ref: String) throws -> ModelURI {
        do {
            return try ModelURI(parsing: ref.hasPrefix("models:") ? ref : "models:/" + ref)
        } catch {
            throw ValidationError("\(error.message) (The models:/ prefix may be left out: NAME/3, NAME@champion.)")
        }
    }

    func validate() throws {
        _ = try Self.uri(ref)
    }

    func run() async throws {
        let uri = try Self.uri(ref)
        try await options.withClient { client in
            let found = try await client.provenance(uri: uri.description)
            try options.json ? options.printJSON(found) : print(Self.report(found, uri: uri.description))
        }
    }

    static func report(_ found: ProvenanceDTO, uri: String) -> String {
        let version = found.version
        var fields: [(String, String)] = [
            ("Reference", uri),
            ("Model", version.model),
            ("Version", String(version.version)),
            ("Status", version.status),
            ("Stage", version.stage),
            ("Run", version.runId ?? "none"),
            ("Source", version.source ?? "none"),
        ]
        if let link = version.runLink { fields.append(("Run link", link)) }
        if version.datasets.isEmpty { fields.append(("Datasets", "none")) }
        for dataset in version.datasets {
            var text = "\(dataset.name) \(dataset.digest)"
            if let context = dataset.context { text += " (\(context))" }
            if let uri = dataset.uri { text += " \(uri)" }
            fields.append(("Dataset", text))
        }
        fields.append(("Params", version.params.isEmpty ? "none" : Presenters.tags(version.params)))
        let metrics = version.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        fields.append(("Metrics", metrics.isEmpty ? "none" : metrics.joined(separator: ", ")))
        fields.append(("Signature", version.signature?.inputs?.isEmpty == false ? "present" : "absent"))
        if let digest = version.manifestDigest { fields.append(("Manifest", digest)) }
        fields.append(("Created", "\(Presenters.time(version.createdAt)) by \(version.createdBy)"))
        let card = found.card
        fields.append(
            (
                "Model card",
                card.revision == 0
                    ? "none written"
                    : "revision \(card.revision), edited \(Presenters.time(card.updatedAt)) by \(card.updatedBy)"
            )
        )
        var text = TableRenderer.fields(fields)
        text += "\n\nTransition requests:"
        if found.requests.isEmpty { text += "\nNone." }
        for request in found.requests {
            text += "\n\nRequest \(request.id): \(Presenters.target(request.target)), \(request.state), "
            text += "\(Presenters.approvals(request)) approvals"
            text += "\n  requested by \(request.requestedBy) at \(Presenters.time(request.createdAt))"
            if !request.comment.isEmpty { text += ": \(request.comment)" }
            for decision in request.decisions {
                text += "\n  \(decision.verdict == "approve" ? "approved" : "rejected") by \(decision.approver) at "
                text += Presenters.time(decision.time) + (decision.comment.isEmpty ? "" : ": \(decision.comment)")
            }
            if let by = request.resolvedBy, request.state != "pending" {
                text += "\n  resolved by \(by)" + (request.resolution.isEmpty ? "" : ": \(request.resolution)")
            }
            if !request.gateResults.isEmpty {
                text +=
                    "\n"
                    + Presenters.gateTable(request.gateResults).split(separator: "\n").map { "  " + $0 }
                    .joined(separator: "\n")
            }
        }
        text += "\n\nStage changes:\n" + Presenters.stageChangeTable(found.stageChanges)
        return text
    }
}

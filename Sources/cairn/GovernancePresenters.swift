import CairnClient
import CairnWire
import Foundation

/// Human-readable renderings of policies, transition requests, gate results, cards and stage changes.
extension Presenters {
    static func policy(_ policy: PolicyDTO) -> String {
        let subject = policy.model.map { "'\($0)'" } ?? "every model without its own (default)"
        let source =
            switch (policy.source, policy.model) {
            case ("model", _): "its own policy"
            case ("default", nil): "the registry-wide default policy"
            case ("default", _): "the default policy (the model has none of its own)"
            default: "none: promotions are applied at once"
            }
        var fields: [(String, String)] = [("Policy for", subject), ("Source", source)]
        if let by = policy.updatedBy, let at = policy.updatedAt { fields.append(("Updated", "\(time(at)) by \(by)")) }
        var text = TableRenderer.fields(fields)
        if let document = policy.policy {
            var yaml = DocumentFile.yaml(document)
            while yaml.hasSuffix("\n") { yaml.removeLast() }
            text += "\n\n" + yaml
        }
        return text
    }

    /// `stage Production` or `alias champion`, from the API's `stage:Production` / `alias:champion`.
    static func target(_ key: String) -> String {
        guard let colon = key.firstIndex(of: ":") else { return key }
        return key[..<colon] + " " + key[key.index(after: colon)...]
    }

    static func approvals(_ request: TransitionRequestDTO) -> String {
        let count = request.decisions.filter { $0.verdict == "approve" }.count
        return "\(count)/\(request.requiredApprovals)"
    }

    static func gateTable(_ results: [GateResultDTO]) -> String {
        guard !results.isEmpty else { return "No gates." }
        var table = TableRenderer(["RESULT", "GATE", "EXPRESSION", "OBSERVED", "MESSAGE"])
        for result in results {
            table.append([
                result.passed ? "pass" : "FAIL", result.gate, result.expression, observed(result.observed),
                result.message,
            ])
        }
        return table.render()
    }

    /// `auc=0.95, production.auc=0.96`, sorted by name.
    static func observed(_ values: [String: String]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    static func requestTable(_ requests: [TransitionRequestDTO]) -> String {
        guard !requests.isEmpty else { return "No requests." }
        var table = TableRenderer(
            ["ID", "MODEL", "VERSION", "TARGET", "STATE", "APPROVALS", "REQUESTED BY", "CREATED"],
            alignments: [.left, .left, .right, .left, .left, .right]
        )
        for request in requests {
            table.append([
                request.id, request.model, String(request.version), target(request.target), request.state,
                approvals(request), request.requestedBy, time(request.createdAt),
            ])
        }
        return table.render()
    }

    static func request(_ request: TransitionRequestDTO) -> String {
        var fields: [(String, String)] = [
            ("Request", request.id),
            ("Model", request.model),
            ("Version", String(request.version)),
            ("Target", target(request.target) + (request.archiveExisting ? " (archiving the others there)" : "")),
            ("State", request.state),
            ("Approvals", approvals(request) + (request.separationOfDuties ? " (separation of duties)" : "")),
            ("Requested", "\(time(request.createdAt)) by \(request.requestedBy)"),
        ]
        if !request.comment.isEmpty { fields.append(("Comment", request.comment)) }
        if let by = request.resolvedBy {
            fields.append(("Resolved", "\(time(request.updatedAt)) by \(by)" + suffix(request.resolution)))
        }
        var text = TableRenderer.fields(fields)
        text += "\n\nGates:\n" + gateTable(request.gateResults)
        text += "\n\nDecisions:\n" + decisions(request.decisions)
        return text
    }

    static func decisions(_ decisions: [DecisionDTO]) -> String {
        guard !decisions.isEmpty else { return "None yet." }
        var table = TableRenderer(["VERDICT", "BY", "TIME", "COMMENT"])
        for decision in decisions {
            table.append([
                decision.verdict == "approve" ? "approved" : "rejected", decision.approver, time(decision.time),
                decision.comment,
            ])
        }
        return table.render()
    }

    /// What a promotion did, in a sentence, then the gates when a request is involved.
    /// - Parameter requested: The target as the API spells it (`stage:Production`, `alias:champion`).
    static func outcome(_ outcome: TransitionOutcomeDTO, requested: String) -> String {
        let version = outcome.version
        var text: String
        if outcome.applied {
            let target = target(outcome.request?.target ?? requested)
            text = "Applied: version \(version.version) of '\(version.model)' is now at \(target)."
            if let request = outcome.request { text += " (request \(request.id), \(approvals(request)) approvals)" }
        } else if let request = outcome.request {
            let count = request.decisions.filter { $0.verdict == "approve" }.count
            text =
                "Request \(request.id) is pending: \(count) of \(request.requiredApprovals) approvals "
                + "(version \(request.version) of '\(request.model)' to \(target(request.target))). "
                + "An approver runs `cairn requests approve \(request.id)`."
        } else {
            text = "Version \(version.version) of '\(version.model)' was not moved."
        }
        if let request = outcome.request, !request.gateResults.isEmpty {
            text += "\n\nGates:\n" + gateTable(request.gateResults)
        }
        return text
    }

    static func stageChangeTable(_ changes: [StageChangeDTO]) -> String {
        guard !changes.isEmpty else { return "No stage changes." }
        var table = TableRenderer(
            ["TIME", "VERSION", "FROM", "TO", "BY", "REQUEST", "NOTE"],
            alignments: [.left, .right]
        )
        for change in changes {
            var notes: [String] = []
            if !change.archived.isEmpty {
                notes.append("archived " + change.archived.map(String.init).joined(separator: ", "))
            }
            if let reason = change.rollbackReason { notes.append("rollback: \(reason)") }
            table.append([
                time(change.time), String(change.version), change.from, change.to, change.actor,
                change.request ?? "-", notes.joined(separator: "; "),
            ])
        }
        return table.render()
    }

    static func card(_ card: ModelCardDTO) -> String {
        "Model card of version \(card.version) of '\(card.model)': revision \(card.revision)"
            + (card.revision > 0 ? ", edited \(time(card.updatedAt)) by \(card.updatedBy)" : " (none written)")
    }

    static func eventTable(_ events: [EventDTO]) -> String {
        var table = TableRenderer(["SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT", "DETAILS"], alignments: [.right])
        for event in events {
            table.append([
                String(event.sequence), time(event.time), event.actor, event.action, event.subject,
                TableRenderer.truncate(event.payload, to: 80),
            ])
        }
        return table.render()
    }

    private static func suffix(_ text: String) -> String { text.isEmpty ? "" : " (\(text))" }
}

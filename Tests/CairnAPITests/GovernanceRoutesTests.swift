import CairnCore
import CairnTesting
import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The governance routes over HTTP with real principals (accounts with tokens), on SQLite on disk.
@Suite("Governance routes")
struct GovernanceRoutesTests {
    /// Creates an account holding `role` globally and returns `Bearer <token>`.
    static func account(_ name: String, _ role: Role, in harness: APIHarness) async throws -> String {
        _ = try await harness.service.identity.createAccount(name: name, kind: .user, actor: .system)
        _ = try await harness.service.identity.grant(Grant(role), to: name, actor: .system)
        let token = try await harness.service.identity.createToken(accountName: name, actor: .system)
        return "Bearer \(token.secret)"
    }

    static func version(_ client: AuthorizedClient, auc: Double, accuracy: Double = 0.95) async throws -> VersionDTO {
        let created = try await client.send(
            .post,
            "/api/v1/models/fraud/versions",
            json:
                #"{"metrics": {"auc": \#(auc), "accuracy": \#(accuracy)}, "run_id": "run-\#(auc)", "datasets": [{"name": "tx", "digest": "sha256:ab"}]}"#
        )
        try #require(created.status == .created, "\(String(buffer: created.body))")
        let version = try decode(VersionDTO.self, created)
        let put = try await client.execute(
            uri: "/api/v1/models/fraud/versions/\(version.version)/files/model.bin",
            method: .put,
            headers: binaryHeaders,
            body: ByteBuffer(string: "w\(auc)")
        )
        try #require(put.status == .created)
        let sealed = try await client.send(.post, "/api/v1/models/fraud/versions/\(version.version)/finalize")
        try #require(sealed.status == .ok)
        return try decode(VersionDTO.self, sealed)
    }

    static let policy = """
        {"stages": {"Production": {"approvals": 2, "archive_existing": true,
          "gates": {"metrics": ["accuracy >= 0.9", "auc >= production.auc - 0.005"], "model_card": ["intended_use"]}}}}
        """

    @Test("the full flow: policy, promote (202), four eyes, two approvals, gates against Production, rollback")
    func fullFlow() async throws {
        try await APIHarness.run { harness, admin in
            let admin = admin as! AuthorizedClient
            let ed = admin.with(try await Self.account("ed", .editor, in: harness))
            let abe = admin.with(try await Self.account("abe", .approver, in: harness))
            let amy = admin.with(try await Self.account("amy", .approver, in: harness))
            #expect(try await ed.send(.post, "/api/v1/models", json: #"{"name": "fraud"}"#).status == .created)

            // Only an admin sets policies; a bad document changes nothing.
            #expect(try await ed.send(.put, "/api/v1/models/fraud/policy", json: Self.policy).status == .forbidden)
            let bad = try await admin.send(
                .put,
                "/api/v1/models/fraud/policy",
                json: #"{"stages": {"Production": {"approvals": -1}}}"#
            )
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("stages.Production.approvals"))
            #expect(try decode(PolicyDTO.self, try await ed.send(.get, "/api/v1/models/fraud/policy")).source == "none")
            let set = try decode(
                PolicyDTO.self,
                try await admin.send(.put, "/api/v1/models/fraud/policy", json: Self.policy)
            )
            #expect(set.source == "model" && set.updatedBy == "admin")

            let v1 = try await Self.version(ed, auc: 0.90)
            let promote = #"{"stage": "Production", "comment": "first"}"#
            let noCard = try await ed.send(.post, "/api/v1/models/fraud/versions/1/promote", json: promote)
            #expect(noCard.status == .conflict && String(buffer: noCard.body).contains("model card has intended_use"))
            let card = #"{"card": {"intended_use": "fraud scoring", "limitations": "EU only"}, "expected_revision": 0}"#
            #expect(try await ed.send(.put, "/api/v1/models/fraud/versions/1/card", json: card).status == .ok)
            let markdown = try await ed.send(.get, "/api/v1/models/fraud/versions/1/card?format=markdown")
            #expect(markdown.headers[.contentType]?.hasPrefix("text/markdown") == true)
            #expect(String(buffer: markdown.body).contains("## Known limitations\n\nEU only"))

            let pending = try await ed.send(.post, "/api/v1/models/fraud/versions/1/promote", json: promote)
            #expect(pending.status == .accepted)
            let request = try #require(try decode(TransitionOutcomeDTO.self, pending).request)
            #expect(request.state == "pending" && request.requiredApprovals == 2 && request.gateResults.count == 3)

            let own = try await ed.send(.post, "/api/v1/requests/\(request.id)/approve", json: "{}")
            #expect(own.status == .forbidden, "an editor cannot approve")
            let first = try decode(
                TransitionOutcomeDTO.self,
                try await abe.send(.post, "/api/v1/requests/\(request.id)/approve", json: #"{"comment": "ok"}"#)
            )
            #expect(!first.applied)
            let listed = try decode(
                TransitionRequestListDTO.self,
                try await ed.send(.get, "/api/v1/requests?model=fraud&state=pending")
            )
            #expect(listed.requests.map(\.id) == [request.id] && listed.requests[0].decisions.count == 1)
            let second = try await amy.send(.post, "/api/v1/requests/\(request.id)/approve", json: "{}")
            #expect(try second.status == .ok && decode(TransitionOutcomeDTO.self, second).version.stage == "Production")
            #expect(v1.version == 1)

            // A worse candidate is blocked by the gate against Production; a better one goes through.
            _ = try await Self.version(ed, auc: 0.88)
            _ = try await ed.send(.put, "/api/v1/models/fraud/versions/2/card", json: card)
            let worse = try await ed.send(.post, "/api/v1/models/fraud/versions/2/promote", json: promote)
            #expect(try worse.status == .conflict && errorCode(worse) == "FAILED_PRECONDITION")
            #expect(String(buffer: worse.body).contains("auc >= production.auc - 0.005"))
            _ = try await Self.version(ed, auc: 0.93)
            _ = try await ed.send(.put, "/api/v1/models/fraud/versions/3/card", json: card)
            let better = try decode(
                TransitionOutcomeDTO.self,
                try await ed.send(.post, "/api/v1/models/fraud/versions/3/promote", json: promote)
            )
            let betterID = try #require(better.request?.id)
            _ = try await abe.send(.post, "/api/v1/requests/\(betterID)/approve", json: "{}")
            #expect(try await amy.send(.post, "/api/v1/requests/\(betterID)/approve", json: "{}").status == .ok)
            try await Task.sleep(for: .milliseconds(5))
            let between = Date()
            try await Task.sleep(for: .milliseconds(5))

            // Rollback restores version 1 and archives version 3.
            let rollback = try await ed.send(.post, "/api/v1/models/fraud/rollback", json: #"{"reason": "incident 7"}"#)
            let restored = try decode(RollbackDTO.self, rollback)
            #expect(restored.restored.version == 1 && restored.archived == [3])

            // History, provenance and the audit log answer the governance questions.
            let at = WireJSON.formatTimestamp(between).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let history = try decode(
                StageHistoryDTO.self,
                try await ed.send(.get, "/api/v1/models/fraud/history?at=\(at)")
            )
            #expect(history.stages["Production"] == [3] && history.stages["Archived"] == [1])
            let now = try decode(StageHistoryDTO.self, try await ed.send(.get, "/api/v1/models/fraud/history"))
            #expect(now.stages["Production"] == [1] && now.changes.last?.rollbackReason == "incident 7")
            let provenance = try decode(
                ProvenanceDTO.self,
                try await ed.send(.get, "/api/v1/provenance?uri=models:/fraud/3")
            )
            let approved = try #require(provenance.requests.first { $0.state == "approved" })
            #expect(approved.decisions.map(\.approver) == ["abe", "amy"])
            #expect(
                approved.gateResults.contains {
                    $0.expression == "auc >= production.auc - 0.005" && $0.observed["production.auc"] == "0.9"
                }
            )
            #expect(provenance.version.datasets.first?.digest == "sha256:ab" && provenance.version.runId == "run-0.93")
            let log = try decode(
                AuditLogDTO.self,
                try await ed.send(.get, "/api/v1/audit/events?model=fraud&action=transition.approved")
            )
            #expect(log.events.count == 4 && log.events.allSatisfy { $0.modelId != nil })
            let blocked = try decode(
                AuditLogDTO.self,
                try await ed.send(.get, "/api/v1/audit/events?model=fraud&version=2&action=transition")
            )
            #expect(blocked.events.map(\.action) == ["transition.blocked"])

            let head = try decode(ChainHeadDTO.self, try await ed.send(.get, "/api/v1/audit/head"))
            let verified = try decode(
                AuditVerificationDTO.self,
                try await ed.send(.get, "/api/v1/audit/verify?head_sequence=\(head.sequence)&head_hash=\(head.hash)")
            )
            #expect(verified.intact && verified.checked == Int(head.sequence) && verified.head == head, "\(verified)")
            let wrong = String(repeating: "0", count: 64)
            let diverged = try decode(
                AuditVerificationDTO.self,
                try await ed.send(.get, "/api/v1/audit/verify?head_sequence=\(head.sequence)&head_hash=\(wrong)")
            )
            #expect(!diverged.intact && diverged.broken?.kind == "diverged")
            let ahead = try decode(
                AuditVerificationDTO.self,
                try await ed.send(.get, "/api/v1/audit/verify?head_sequence=\(head.sequence + 100)&head_hash=\(wrong)")
            )
            #expect(ahead.broken?.kind == "truncated")
        }
    }

    @Test(
        "bad governance input is a 400 naming the problem, and changes nothing",
        arguments: [
            (
                "PUT", "/api/v1/policies/default",
                #"{"stages": {"Production": {"gates": {"metrics": ["auc >>= 1"]}}}}"#, "metrics[0]"
            ),
            ("PUT", "/api/v1/policies/default", #"{"aliases": {"x": {"approvals": true}}}"#, "aliases.x.approvals"),
            ("POST", "/api/v1/models/fraud/versions/1/promote", #"{"stage": "Prod"}"#, "not a stage"),
            (
                "POST", "/api/v1/models/fraud/versions/1/promote", #"{"stage": "Production", "alias": "x"}"#,
                "exactly one"
            ),
            ("POST", "/api/v1/models/fraud/versions/1/promote", #"{"alias": "../x"}"#, "alias"),
            ("PUT", "/api/v1/models/fraud/versions/1/card", #"{"card": {"intended": "x"}}"#, "intended: unknown field"),
            (
                "PUT", "/api/v1/models/fraud/versions/1/card", #"{"card": {"evaluation_metrics": {"auc": "x"}}}"#,
                "evaluation_metrics.auc"
            ),
            ("POST", "/api/v1/models/fraud/rollback", #"{"reason": ""}"#, "reason"),
            ("GET", "/api/v1/models/fraud/history?at=yesterday", nil, "ISO 8601"),
            ("GET", "/api/v1/audit/events?version=1", nil, "needs a model"),
            ("GET", "/api/v1/audit/events?since=2026-01-02&until=2026-01-01", nil, "empty"),
            ("GET", "/api/v1/audit/verify?head_sequence=3", nil, "both"),
            ("GET", "/api/v1/audit/verify?head_sequence=3&head_hash=xyz", nil, "64 hexadecimal"),
            ("GET", "/api/v1/requests?state=open", nil, "not a request state"),
            ("GET", "/api/v1/requests?page_token=garbage", nil, "not a page token"),
            ("GET", "/api/v1/requests?page_token=9223372036854775807.a", nil, "not a page token"),
            ("GET", "/api/v1/requests?page_token=-5.a", nil, "not a page token"),
            ("GET", "/api/v1/audit/events?since=9999-12-31T23:59:59Z&until=0001-01-01T00:00:00Z", nil, "empty"),
            ("GET", "/api/v1/models/fraud/versions/1/card?format=pdf", nil, "markdown"),
        ]
    )
    func badInput(_ method: String, _ uri: String, _ json: String?, _ expected: String) async throws {
        try await APIHarness.run { harness, client in
            _ = try await client.seed(model: "fraud")
            let before = try await harness.service.allEvents()
            let response = try await client.send(HTTPRequest.Method(method)!, uri, json: json)
            #expect(response.status == .badRequest, "\(uri): \(String(buffer: response.body))")
            let text = String(buffer: response.body)
            #expect(text.lowercased().contains(expected.lowercased()), "\(text)")
            #expect(try await harness.service.allEvents() == before)
        }
    }
}

@Suite("Wire timestamps")
struct WireTimestampTests {
    @Test("every millisecond formats exactly, and parses back to the same text")
    func exactMilliseconds() throws {
        let base: Int64 = 1_772_532_000_000  // 2026-03-03T10:00:00Z
        for offset in Int64(0)..<1000 {
            let date = Date(timeIntervalSince1970: Double(base + offset) / 1000)
            let text = WireJSON.formatTimestamp(date)
            #expect(text.hasSuffix(String(format: ".%03dZ", offset)), "\(text)")
            let parsed = try #require(WireJSON.parseTimestamp(text))
            #expect(WireJSON.formatTimestamp(parsed) == text)
        }
        #expect(WireTime.parse("2026-03-03T10:00Z") == WireJSON.parseTimestamp("2026-03-03T10:00:00Z"))
        #expect(WireTime.parse("2026-03-03T12:00+02:00") == WireJSON.parseTimestamp("2026-03-03T10:00:00Z"))
        #expect(WireTime.parse("2026-03-03") == WireJSON.parseTimestamp("2026-03-03T00:00:00Z"))
        #expect(WireTime.parse("yesterday") == nil && WireTime.parse("2026-03-03T10Z") == nil)
    }
}

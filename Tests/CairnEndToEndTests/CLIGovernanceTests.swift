import CairnClient
import CairnCore
import CairnWire
import Crypto
import Foundation
import Testing

/// The governance commands (`policy`, `promote`, `requests`, `card`, `rollback`, `history`, `provenance`, `audit`)
/// against a real `cairn serve --anonymous none`, acted out by real accounts: an admin, an editor (alice) and two
/// approvers (bob, carol).
@Suite("cairn governance commands end to end", .serialized)
struct CLIGovernanceTests {
    static let policy = """
        # Production needs two approvals, good metrics and a card that says what the model is for.
        stages:
          Production:
            approvals: 2
            archive_existing: true
            gates:
              metrics:
                - accuracy >= 0.9
                - auc >= production.auc - 0.005
              model_card: [intended_use]
        """

    /// The accounts of the flow, each with an API token.
    struct People {
        let server: ServerProcess
        let admin: String
        let alice: String
        let bob: String
        let carol: String

        /// Runs `cairn arguments…` as the holder of `token`.
        func run(_ arguments: [String], as token: String, stdin: Data? = nil) async throws -> CLI.Result {
            try await CLI.run(arguments, server: server.url, environment: ["CAIRN_TOKEN": token], stdin: stdin)
        }

        /// Runs a command that must succeed and returns its standard output.
        func ok(_ arguments: [String], as token: String, stdin: Data? = nil) async throws -> String {
            let result = try await run(arguments, as: token, stdin: stdin)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result.stdout
        }

        /// Runs a `--json` command that must succeed and decodes its output.
        func json<T: Decodable>(_ type: T.Type, _ arguments: [String], as token: String) async throws -> T {
            try WireJSON.decoder().decode(T.self, from: Data(try await ok(arguments + ["--json"], as: token).utf8))
        }

        func stage(_ version: Int) async throws -> String {
            try await json(VersionDTO.self, ["versions", "show", "fraud", String(version)], as: alice).stage
        }
    }

    /// alice (editor everywhere, and approver of `fraud` so that only four eyes stop her), bob and carol (approvers).
    static func withPeople(_ body: (People) async throws -> Void) async throws {
        try await ServerProcess.with(arguments: ["--anonymous", "none"]) { server in
            let admin = try server.adminToken()
            func token(_ name: String, grants: [[String]]) async throws -> String {
                #expect(
                    try await CLI.run(
                        ["users", "create", name],
                        server: server.url,
                        environment: ["CAIRN_TOKEN": admin]
                    ).status == 0
                )
                for grant in grants {
                    let granted = try await CLI.run(
                        ["users", "grant", name] + grant,
                        server: server.url,
                        environment: ["CAIRN_TOKEN": admin]
                    )
                    #expect(granted.status == 0, "\(granted.stderr)")
                }
                let created = try await CLI.run(
                    ["tokens", "create", "--account", name, "--json"],
                    server: server.url,
                    environment: ["CAIRN_TOKEN": admin]
                )
                return try WireJSON.decoder().decode(NewTokenDTO.self, from: Data(created.stdout.utf8)).secret
            }
            try await body(
                People(
                    server: server,
                    admin: admin,
                    alice: try await token("alice", grants: [["editor"], ["approver", "--model", "fraud"]]),
                    bob: try await token("bob", grants: [["approver"]]),
                    carol: try await token("carol", grants: [["approver"]])
                )
            )
        }
    }

    /// The id in `Request <id> is pending: …`.
    static func requestID(in text: String) throws -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        let index = try #require(words.firstIndex(of: "Request"), "no request in: \(text)")
        return String(words[index + 1])
    }

    @Test("guarded promotion: gates, four eyes, approvals, regression blocked, rollback, history, provenance, audit")
    func governedFlow() async throws {
        try await Self.withPeople { people in
            let files = try TempDirectory()
            let tree = try files.write("model/weights.bin", Data("weights".utf8)).deletingLastPathComponent()
            let (admin, alice, bob, carol) = (people.admin, people.alice, people.bob, people.carol)

            // The admin sets the policy from YAML; what comes back has YAML's numbers and booleans as such.
            _ = try await people.ok(["models", "create", "fraud"], as: alice)
            let policyFile = try files.write("policy.yaml", Data(Self.policy.utf8))
            _ = try await people.ok(["policy", "set", "fraud", policyFile.path], as: admin)
            let policy = try await people.json(PolicyDTO.self, ["policy", "show", "fraud"], as: alice)
            #expect(policy.source == "model" && policy.updatedBy == "admin")
            guard case .object(let stages)? = policy.policy?.objectField("stages"),
                case .object(let production)? = stages["Production"]
            else { Issue.record("no Production rule in \(String(describing: policy.policy))"); return }
            #expect(production["approvals"] == .number(2) && production["archive_existing"] == .bool(true))
            let shown = try await people.ok(["policy", "show", "fraud"], as: alice)
            #expect(shown.contains("auc >= production.auc - 0.005"), "\(shown)")
            try await Self.refusesBadPolicies(people, files: files, unchanged: policy)

            // alice pushes version 1 with lineage; promoting it fails on the card gate until she fills the card.
            _ = try await people.ok(
                [
                    "push", "fraud", tree.path, "--metric", "accuracy=0.93", "--metric", "auc=0.95", "--run-id",
                    "run-1",
                    "--param", "lr=0.1", "--dataset", "transactions=sha256:feedc0de",
                ],
                as: alice
            )
            let blocked = try await people.run(["promote", "fraud", "1", "--stage", "Production"], as: alice)
            #expect(blocked.status == 1)
            #expect(blocked.stderr.contains("model card has intended_use"), "\(blocked.stderr)")
            #expect(blocked.stderr.contains("cairn card edit"), "\(blocked.stderr)")
            _ = try await people.ok(
                [
                    "card", "edit", "fraud", "1", "--intended-use", "Scoring card payments", "--evaluation-metric",
                    "auc=0.95",
                ],
                as: alice
            )
            let markdown = try await people.ok(["card", "show", "fraud", "1"], as: alice)
            #expect(markdown.contains("## Intended use") && markdown.contains("Scoring card payments"), "\(markdown)")
            // A write based on a stale revision is refused, not lost.
            let cardFile = try files.write("card.yaml", Data("intended_use: something else\n".utf8))
            let stale = try await people.run(
                ["card", "set", "fraud", "1", cardFile.path, "--expected-revision", "0"],
                as: alice
            )
            #expect(stale.status == 1 && stale.stderr.contains("revision"), "\(stale.stderr)")

            let pending = try await people.ok(
                ["promote", "fraud", "1", "--stage", "Production", "--comment", "first model"],
                as: alice
            )
            #expect(pending.contains("is pending: 0 of 2 approvals"), "\(pending)")
            #expect(pending.contains("accuracy >= 0.9") && pending.contains("accuracy=0.93"), "\(pending)")
            #expect(!pending.contains("FAIL"), "\(pending)")
            let first = try Self.requestID(in: pending)

            // Four eyes: alice may approve on `fraud`, but not her own request.
            let own = try await people.run(["requests", "approve", first], as: alice)
            #expect(own.status == 1)
            #expect(own.stderr.contains("four eyes"), "\(own.stderr)")
            let half = try await people.ok(["requests", "approve", first, "--comment", "metrics look right"], as: bob)
            #expect(half.contains("1/2") && half.contains("still pending"), "\(half)")
            let listed = try await people.ok(["requests", "list", "--model", "fraud", "--state", "pending"], as: bob)
            #expect(
                listed.contains(first) && listed.contains("1/2") && listed.contains("stage Production"),
                "\(listed)"
            )
            let applied = try await people.ok(["requests", "approve", first, "--comment", "ok"], as: carol)
            #expect(applied.contains("is now at stage Production"), "\(applied)")
            #expect(try await people.stage(1) == "Production")

            // Version 2 regresses on auc and is blocked by name; version 3 is better and replaces version 1.
            _ = try await people.ok(
                ["push", "fraud", tree.path, "--metric", "accuracy=0.95", "--metric", "auc=0.94"],
                as: alice
            )
            _ = try await people.ok(
                ["push", "fraud", tree.path, "--metric", "accuracy=0.96", "--metric", "auc=0.97"],
                as: alice
            )
            for version in ["2", "3"] {
                _ = try await people.ok(["card", "edit", "fraud", version, "--intended-use", "Scoring"], as: alice)
            }
            let regression = try await people.run(["promote", "fraud", "2", "--stage", "Production"], as: alice)
            #expect(regression.status == 1)
            #expect(regression.stderr.contains("auc >= production.auc - 0.005"), "\(regression.stderr)")
            let third = try Self.requestID(
                in: try await people.ok(["promote", "fraud", "3", "--stage", "Production"], as: alice)
            )
            _ = try await people.ok(["requests", "approve", third], as: carol)
            _ = try await people.ok(["requests", "approve", third], as: bob)
            #expect(try await people.stage(3) == "Production")
            #expect(try await people.stage(1) == "Archived")
            let shownRequest = try await people.ok(["requests", "show", third], as: alice)
            #expect(shownRequest.contains("approved") && shownRequest.contains("carol"), "\(shownRequest)")
            let whileThree = WireJSON.formatTimestamp(Date())

            // Rollback puts version 1 back; history still knows version 3 was in Production before.
            let rolledBack = try await people.ok(
                ["rollback", "fraud", "--reason", "v3 misfires on refunds"],
                as: alice
            )
            #expect(rolledBack.contains("version 1 is in Production again"), "\(rolledBack)")
            #expect(try await people.stage(1) == "Production")
            #expect(try await people.stage(3) == "Archived")
            let then = try await people.ok(
                ["history", "fraud", "--stage", "Production", "--at", whileThree],
                as: alice
            )
            #expect(then.contains("version 3") && then.contains(third) && !then.contains("version 1"), "\(then)")
            let now = try await people.ok(["history", "fraud", "--stage", "Production"], as: alice)
            #expect(now.contains("version 1") && now.contains("v3 misfires on refunds"), "\(now)")
            let history = try await people.json(
                StageHistoryDTO.self,
                ["history", "fraud", "--at", whileThree],
                as: alice
            )
            #expect(history.stages["Production"] == [3] && history.stages["Archived"] == [1])
            let timeline = try await people.ok(["history", "fraud"], as: alice)
            #expect(timeline.contains("Stage changes:") && timeline.contains(first), "\(timeline)")

            try await Self.checkProvenance(people, request: first)
            try await Self.checkRejectAndCancel(people)
            try await Self.checkAuditLog(people, files: files)
        }
    }

    /// An invalid field and a YAML syntax error are refused with the field or the position named; nothing changes.
    static func refusesBadPolicies(_ people: People, files: TempDirectory, unchanged: PolicyDTO) async throws {
        let badField = try files.write("bad-field.yaml", Data("stages:\n  Production:\n    approvals: many\n".utf8))
        let field = try await people.run(["policy", "set", "fraud", badField.path], as: people.admin)
        #expect(field.status == 1)
        #expect(field.stderr.contains("stages.Production.approvals"), "\(field.stderr)")
        let badSyntax = try files.write("bad-syntax.yaml", Data("stages:\n  Production:\n    approvals: [2\n".utf8))
        let syntax = try await people.run(["policy", "set", "fraud", badSyntax.path], as: people.admin)
        #expect(syntax.status != 0)
        #expect(syntax.stderr.contains("bad-syntax.yaml:"), "\(syntax.stderr)")
        #expect(syntax.stderr.contains("not valid YAML"), "\(syntax.stderr)")
        // JSON is read too, from standard input; an unknown stage is named.
        let json = try await people.run(
            ["policy", "set", "fraud", "-"],
            as: people.admin,
            stdin: Data(#"{"stages": {"Prod": {"approvals": 1}}}"#.utf8)
        )
        #expect(json.status == 1 && json.stderr.contains("stages.Prod"), "\(json.stderr)")
        let notAdmin = try await people.run(["policy", "set", "fraud", badField.path], as: people.alice)
        #expect(notAdmin.status == 1)
        let after = try await people.json(PolicyDTO.self, ["policy", "show", "fraud"], as: people.alice)
        #expect(after == unchanged)
    }

    /// Provenance of `fraud/Production` (version 1 again) names its approvers, their gate evidence and its lineage.
    static func checkProvenance(_ people: People, request: String) async throws {
        let text = try await people.ok(["provenance", "fraud/Production"], as: people.bob)
        for expected in [
            "run-1", "lr=0.1", "transactions sha256:feedc0de", "approved by bob", "metrics look right",
            "approved by carol", "requested by alice", "accuracy >= 0.9", "auc >= production.auc - 0.005",
            "model card has intended_use", "revision 1", request,
        ] {
            #expect(text.contains(expected), "missing '\(expected)' in:\n\(text)")
        }
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("Signature:") && $0.hasSuffix("absent") })
        let found = try await people.json(ProvenanceDTO.self, ["provenance", "models:/fraud/1"], as: people.bob)
        #expect(found.version.version == 1 && found.card.revision == 1)
        let approved = try #require(found.requests.first { $0.id == request })
        #expect(approved.decisions.map(\.approver) == ["bob", "carol"])
        #expect(approved.gateResults.count == 3 && approved.gateResults.allSatisfy(\.passed))
        #expect(found.stageChanges.contains { $0.rollbackReason == "v3 misfires on refunds" })
        let unknown = try await people.run(["provenance", "fraud@nobody"], as: people.bob)
        #expect(unknown.status == 1 && unknown.stderr.contains("nobody"), "\(unknown.stderr)")
    }

    /// A request an approver rejects, and one its requester withdraws.
    static func checkRejectAndCancel(_ people: People) async throws {
        let rejected = try Self.requestID(
            in: try await people.ok(["promote", "fraud", "3", "--stage", "Production"], as: people.alice)
        )
        _ = try await people.ok(["requests", "reject", rejected, "--comment", "not again this week"], as: people.bob)
        let shown = try await people.json(TransitionRequestDTO.self, ["requests", "show", rejected], as: people.alice)
        #expect(shown.state == "rejected" && shown.resolution == "not again this week")
        let cancelled = try Self.requestID(
            in: try await people.ok(["promote", "fraud", "3", "--stage", "Production"], as: people.alice)
        )
        _ = try await people.ok(["requests", "cancel", cancelled, "--comment", "wrong version"], as: people.alice)
        let list = try await people.json(
            TransitionRequestListDTO.self,
            ["requests", "list", "--model", "fraud", "--state", "cancelled"],
            as: people.bob
        )
        #expect(list.requests.map(\.id) == [cancelled])
        #expect(try await people.stage(1) == "Production")
    }

    /// The audit log as JSON lines holds the approvals; a signed head verifies, a tampered one does not.
    static func checkAuditLog(_ people: People, files: TempDirectory) async throws {
        let lines = try await people.ok(
            ["audit", "log", "--model", "fraud", "--action", "transition", "--json"],
            as: people.alice
        ).split(separator: "\n")
        let events = try lines.map { try WireJSON.decoder().decode(EventDTO.self, from: Data($0.utf8)) }
        #expect(events.allSatisfy { $0.action.hasPrefix("transition.") })
        let approvals = events.filter { $0.action == "transition.approved" }
        #expect(approvals.map(\.actor) == ["bob", "carol", "carol", "bob"])
        #expect(approvals.allSatisfy { $0.payload.contains(#""approvals":"#) })
        #expect(events.contains { $0.action == "transition.blocked" && $0.payload.contains("auc >= production.auc") })
        let limited = try await people.ok(["audit", "log", "--limit", "3", "--json"], as: people.alice)
        #expect(limited.split(separator: "\n").count == 3)
        let table = try await people.ok(["audit", "log", "--model", "fraud", "--actor", "carol"], as: people.alice)
        #expect(table.hasPrefix("SEQ") && table.contains("transition.approved"), "\(table)")

        let key = files.url.appendingPathComponent("head-key").path
        _ = try await people.ok(["audit", "keygen", "--out", key], as: people.alice)
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(FileManager.default.fileExists(atPath: key + ".pub"))
        let again = try await people.run(["audit", "keygen", "--out", key], as: people.alice)
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again.stderr)")

        let head = files.url.appendingPathComponent("head.json").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let exposed = try await people.run(["audit", "head", "--sign-key", key, "--out", head], as: people.alice)
        #expect(exposed.status != 0 && exposed.stderr.contains("chmod 600"), "\(exposed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: head))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        _ = try await people.ok(["audit", "head", "--sign-key", key, "--out", head], as: people.alice)
        let exported = try WireJSON.decoder().decode(
            ExportedChainHead.self,
            from: Data(contentsOf: URL(fileURLWithPath: head))
        )
        #expect(
            exported.signature != nil && exported.signedText.hasPrefix("cairn-chain-head/1\n\(exported.sequence)\n")
        )
        let verified = try await people.run(
            ["audit", "verify", "--head", head, "--public-key", key + ".pub"],
            as: people.alice
        )
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(
            verified.stdout.contains("intact: ") && verified.stdout.contains("signature: valid"),
            "\(verified.stdout)"
        )
        let embedded = try await people.run(["audit", "verify", "--head", head], as: people.alice)
        #expect(embedded.status == 1 && embedded.stderr.contains("--public-key"), "\(embedded.stderr)")

        var forged = exported
        forged.hash = String(repeating: "0", count: 64)
        let forgedFile = try files.write("forged.json", try WireJSON.encoder().encode(forged))
        let refused = try await people.run(
            ["audit", "verify", "--head", forgedFile.path, "--public-key", key + ".pub"],
            as: people.alice
        )
        #expect(refused.status == 1)
        #expect(
            refused.stdout.contains("signature: INVALID") && refused.stdout.contains("broken at entry"),
            "\(refused.stdout)"
        )
    }

    @Test("a signed chain head verifies under its key only, and not once any field changes")
    func headSignatures() throws {
        let key = Curve25519.Signing.PrivateKey()
        var head = ExportedChainHead(
            ChainHeadDTO(sequence: 42, hash: String(repeating: "ab", count: 32), time: Date(timeIntervalSince1970: 1.5))
        )
        #expect(head.signedText == "cairn-chain-head/1\n42\n\(String(repeating: "ab", count: 32))\n1500\n")
        #expect(head.verify() == .unsigned)
        try head.sign(with: key)
        #expect(head.verify() == .valid)
        #expect(head.verify(publicKey: key.publicKey) == .valid)
        #expect(head.verify(publicKey: Curve25519.Signing.PrivateKey().publicKey) != .valid)
        var later = head
        later.time = Date(timeIntervalSince1970: 2)
        #expect(later.verify() != .valid)
        var relabelled = head
        relabelled.signedText = "cairn-chain-head/1\n1\n"
        #expect(relabelled.verify() != .valid)
    }

    @Test("a signed head survives being written to a file and read back, whatever its millisecond")
    func headFileRoundTrip() throws {
        let key = Curve25519.Signing.PrivateKey()
        for millis in 0..<100 {
            let text = "2026-11-29T15:40:04.\(String(format: "%03d", millis * 7))Z"
            let time = try #require(WireJSON.parseTimestamp(text))
            var head = ExportedChainHead(
                ChainHeadDTO(sequence: 7, hash: String(repeating: "cd", count: 32), time: time)
            )
            try head.sign(with: key)
            let file = try WireJSON.encoder().encode(head)
            #expect(String(decoding: file, as: UTF8.self).contains(text))
            let read = try WireJSON.decoder().decode(ExportedChainHead.self, from: file)
            #expect(read.verify(publicKey: key.publicKey) == .valid, "\(text)")
        }
    }
}

extension DocumentValue {
    /// The value of `key` in an object.
    fileprivate func objectField(_ key: String) -> DocumentValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[key]
    }
}

import CairnCore
import Foundation
import Testing

/// The pure rules of governance: policy documents, metric expressions, gates, and what the chain verifier reports.
@Suite("Governance rules")
struct GovernanceRuleTests {
    static let fullPolicy = """
        {"stages": {"production": {"approvals": 2, "archive_existing": true,
            "gates": {"metrics": ["accuracy >= 0.9", "auc >= production.auc - 0.005"],
                      "model_card": ["intended_use", "limitations"], "signature": true, "dataset_digest": true,
                      "tags": ["reviewed", "risk=low"]}},
          "Staging": {"approvals": 0, "separation_of_duties": false}},
         "aliases": {"champion": {"approvals": 1}}}
        """

    @Test("a policy document parses into rules, and its canonical document parses back equal")
    func policyRoundTrip() throws {
        let policy = try Policy(document: bytes(Self.fullPolicy))
        let production = try #require(policy.rule(for: .stage(.production)))
        #expect(production.approvals == 2 && production.separationOfDuties && production.archiveExisting)
        #expect(
            production.gates.map(\.kind) == ["metric", "metric", "model_card", "signature", "dataset_digest", "tags"]
        )
        #expect(production.gates[1].expression == "auc >= production.auc - 0.005")
        #expect(policy.rule(for: .stage(.staging))?.approvals == 0)
        #expect(policy.rule(for: .stage(.staging))?.separationOfDuties == false)
        #expect(policy.rule(for: .alias("champion"))?.approvals == 1)
        #expect(policy.rule(for: .stage(.archived)) == nil && policy.rule(for: .alias("other")) == nil)
        let again = try Policy(document: bytes(policy.document.canonicalJSON))
        #expect(again == policy)
    }

    @Test(
        "a bad policy document is refused with the field at fault named",
        arguments: [
            (#"{"stage": {}}"#, "stage: unknown field"),
            (#"{"stages": {"Prod": {}}}"#, "stages.Prod: not a guardable stage"),
            (#"{"stages": {"None": {}}}"#, "stages.None: not a guardable stage"),
            (#"{"stages": {"Archived": {}}}"#, "stages.Archived: not a guardable stage"),
            (
                #"{"stages": {"Production": {"approvals": 21}}}"#,
                "stages.Production.approvals must be a whole number from 0 to 20"
            ),
            (#"{"stages": {"Production": {"approvals": 1.5}}}"#, "stages.Production.approvals"),
            (#"{"stages": {"Production": {"approvals": "2"}}}"#, "stages.Production.approvals"),
            (#"{"stages": {"Production": {"aprovals": 2}}}"#, "stages.Production.aprovals: unknown field"),
            (
                #"{"stages": {"Production": {"gates": {"metrics": ["accuracy >> 0.9"]}}}}"#,
                "stages.Production.gates.metrics[0]"
            ),
            (
                #"{"stages": {"Production": {"gates": {"metrics": ["accuracy >="]}}}}"#,
                "stages.Production.gates.metrics[0]"
            ),
            (
                #"{"stages": {"Production": {"gates": {"model_card": ["intent"]}}}}"#,
                "stages.Production.gates.model_card[0]"
            ),
            (
                #"{"stages": {"Production": {"gates": {"signature": "yes"}}}}"#,
                "stages.Production.gates.signature must be true or false"
            ),
            (#"{"aliases": {"bad alias!": {}}}"#, "aliases.bad alias!"),
            (
                #"{"aliases": {"champion": {"archive_existing": true}}}"#,
                "aliases.champion.archive_existing applies only"
            ),
            (#"[1, 2]"#, "The document must be an object"),
            (#"{"stages": "#, "not valid JSON"),
        ]
    )
    func policyErrors(_ document: String, _ expected: String) {
        let error = expectInvalid { _ = try Policy(document: bytes(document)) }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test("a policy is refused unless its stored form reads back within the limits")
    func storedFormLimits() throws {
        // 964 bytes as written, over 1024 once spaced out in normal form.
        let long = "a>=0" + String(repeating: "-1", count: 480)
        let error = expectInvalid {
            _ = try Policy(document: bytes(#"{"stages": {"Production": {"gates": {"metrics": ["\#(long)"]}}}}"#))
        }
        #expect(error?.message.contains("normal form") == true, "\(error?.message ?? "")")
        let fits = "a>=0" + String(repeating: "-1", count: 200)
        let policy = try Policy(document: bytes(#"{"stages": {"Production": {"gates": {"metrics": ["\#(fits)"]}}}}"#))
        #expect(try Policy(document: bytes(policy.document.canonicalJSON)) == policy)
        // Many small rules grow when their defaults are written out.
        let aliases = (0..<900).map { #""a\#($0)": {}"# }.joined(separator: ",")
        let tooLarge = Result { () throws(RegistryError) in try Policy(document: bytes(#"{"aliases": {\#(aliases)}}"#))
        }
        guard case .failure(let error) = tooLarge else {
            Issue.record("a policy larger than the limit in stored form was accepted")
            return
        }
        #expect(error.code == .payloadTooLarge, "\(error)")
    }

    @Test("metric expressions: thresholds, arithmetic, Production comparisons, missing values")
    func metricExpressions() throws {
        let threshold = try MetricExpression(parsing: "accuracy>=0.9")
        #expect(threshold.text == "accuracy >= 0.9")
        #expect(threshold.evaluate(candidate: ["accuracy": 0.91], production: nil).passed)
        let failed = threshold.evaluate(candidate: ["accuracy": 0.89], production: nil)
        #expect(!failed.passed && failed.observed == ["accuracy": "0.89"] && failed.message.contains("does not hold"))
        let missing = threshold.evaluate(candidate: [:], production: nil)
        #expect(!missing.passed && missing.message.contains("no metric 'accuracy'"))

        let relative = try MetricExpression(parsing: "auc >= production.auc - 0.005")
        #expect(relative.readsProduction)
        #expect(relative.evaluate(candidate: ["auc": 0.896], production: (2, ["auc": 0.9])).passed)
        let worse = relative.evaluate(candidate: ["auc": 0.894], production: (2, ["auc": 0.9]))
        #expect(!worse.passed)
        #expect(worse.observed == ["auc": "0.894", "production.auc": "0.9", "production.version": "2"])
        let first = relative.evaluate(candidate: ["auc": 0.5], production: nil)
        #expect(first.passed && first.message.contains("no version is in Production"))
        let unmeasured = relative.evaluate(candidate: ["auc": 0.99], production: (4, [:]))
        #expect(!unmeasured.passed && unmeasured.message.contains("Production version 4 has no metric 'auc'"))

        let quoted = try MetricExpression(parsing: "`val loss` + 0.1 < -2e-1 + production.`val loss`")
        #expect(quoted.text == "`val loss` + 0.1 < -0.2 + production.`val loss`")
        #expect(quoted.evaluate(candidate: ["val loss": 0.5], production: (1, ["val loss": 1.0])).passed)
        for bad in ["", "accuracy", "accuracy 0.9", "0.9 >= ", "a >= b c", "`open >= 1", "a =! 1"] {
            expectInvalid { _ = try MetricExpression(parsing: bad) }
        }
    }

    @Test("gates read the version, its card and the Production version, and report what they saw")
    func gates() throws {
        let policy = try Policy(document: bytes(Self.fullPolicy))
        let gates = try #require(policy.rule(for: .stage(.production))).gates
        var candidate = ModelVersion(
            id: "v3",
            modelID: "m",
            modelName: "fraud",
            number: 3,
            status: .ready,
            tags: ["reviewed": "yes", "risk": "high"],
            lineage: VersionLineage(
                datasets: [DatasetReference(name: "train", digest: "")],
                metrics: ["accuracy": 0.95, "auc": 0.93]
            ),
            createdBy: "alice",
            createdAt: Date(),
            updatedAt: Date(),
            updatedBy: "alice"
        )
        var production = candidate
        production.number = 2
        production.lineage.metrics = ["auc": 0.92]
        let card = ModelCard(intendedUse: "scoring", limitations: "  ")
        let results = GateEvaluator.evaluate(gates, candidate: candidate, card: card, production: production)
        #expect(results.map(\.passed) == [true, true, false, false, false, false])
        #expect(results[2].observed == ["intended_use": "filled", "limitations": "empty"])
        #expect(results[2].message.contains("limitations"))
        #expect(results[4].message.contains("train"))
        #expect(results[5].observed == ["reviewed": "yes", "risk": "high"] && results[5].message.contains("risk=low"))
        #expect(results[1].summary.contains("production.auc 0.92"))

        candidate.lineage.signature = ModelSignature(inputs: "[]")
        candidate.lineage.datasets = [DatasetReference(name: "train", digest: "sha256:ab")]
        candidate.tags["risk"] = "low"
        let filled = ModelCard(intendedUse: "scoring", limitations: "small data")
        let again = GateEvaluator.evaluate(gates, candidate: candidate, card: filled, production: production)
        let failing = again.filter { !$0.passed }.map(\.summary)
        #expect(failing.isEmpty, "\(failing)")
    }

    @Test("model cards: fields, changes, strict documents and the Markdown export")
    func modelCards() throws {
        let card = try ModelCard(
            document: bytes(
                ##"{"intended_use": "Fraud scoring", "evaluation_metrics": {"auc": 0.91}, "markdown": "# Notes\nok"}"##
            )
        )
        #expect(card.isFilled(.intendedUse) && card.isFilled(.evaluationMetrics) && !card.isFilled(.limitations))
        #expect(card.changedFields(from: ModelCard()) == [.intendedUse, .evaluationMetrics, .markdown])
        #expect(try ModelCard(card.document) == card)
        let text = card.renderMarkdown(modelName: "fraud", version: 3, revision: 2, updatedBy: "ann", updatedAt: Date())
        #expect(text.hasPrefix("# Model card: fraud version 3"))
        #expect(text.contains("## Intended use\n\nFraud scoring\n") && text.contains("| auc | 0.91 |"))
        #expect(text.contains("## Known limitations\n\n_Not provided._"))
        expectInvalid { _ = try ModelCard(document: bytes(#"{"intended": "x"}"#)) }
        expectInvalid { _ = try ModelCard(document: bytes(#"{"evaluation_metrics": {"auc": "high"}}"#)) }
        expectInvalid { _ = try ModelCard(document: bytes(#"{"limitations": 3}"#)) }
    }

    @Test("the verifier names the first altered, deleted, inserted, reordered, truncated or rewritten entry")
    func verifierKinds() throws {
        var events: [AuditEvent] = []
        for index in 1...6 {
            events.append(
                EventChain.next(
                    after: events.last,
                    time: Date(timeIntervalSince1970: Double(index)),
                    actor: "a",
                    action: "x.y",
                    subject: "s",
                    payload: "{\"i\":\(index)}",
                    modelID: index.isMultiple(of: 2) ? "m" : nil
                )
            )
        }
        let head = ChainHead(sequence: 6, hash: events[5].hash, time: events[5].time)
        func check(_ log: [AuditEvent], head: ChainHead? = nil) -> EventChain.Break? {
            var verifier = EventChain.Verifier(head: head)
            for event in log { if let broken = verifier.feed(event) { return broken } }
            return verifier.finish()
        }
        #expect(check(events, head: head) == nil)

        var altered = events
        altered[2].payload = "{\"i\":99}"
        #expect(check(altered)?.kind == .altered && check(altered)?.sequence == 3)
        var movedModel = events
        movedModel[3].modelID = "other"
        #expect(check(movedModel)?.kind == .altered && check(movedModel)?.sequence == 4)

        var gap = events
        gap.remove(at: 2)
        #expect(check(gap)?.kind == .deleted && check(gap)?.sequence == 4)

        var renumbered = events
        renumbered.remove(at: 2)
        for index in 2..<renumbered.count { renumbered[index].sequence -= 1 }
        #expect(check(renumbered)?.kind == .deleted && check(renumbered)?.sequence == 3)

        var inserted = Array(events.prefix(2))
        inserted.append(
            EventChain.next(
                after: events[1],
                time: events[1].time,
                actor: "evil",
                action: "x.y",
                subject: "s",
                payload: "{}"
            )
        )
        for var event in events.dropFirst(2) {
            event.sequence += 1
            inserted.append(event)
        }
        #expect(check(inserted)?.kind == .inserted && check(inserted)?.sequence == 3)

        var swapped = events
        swapped.swapAt(2, 3)
        (swapped[2].sequence, swapped[3].sequence) = (3, 4)
        #expect(check(swapped)?.kind == .reordered && check(swapped)?.sequence == 3)

        let truncated = Array(events.dropLast())
        #expect(check(truncated) == nil)
        #expect(check(truncated, head: head)?.kind == .truncated && check(truncated, head: head)?.sequence == 6)

        var rewritten: [AuditEvent] = []
        for (index, event) in events.enumerated() {
            rewritten.append(
                EventChain.next(
                    after: rewritten.last,
                    time: event.time,
                    actor: event.actor,
                    action: event.action,
                    subject: event.subject,
                    payload: index == 1 ? "{\"i\":-1}" : event.payload,
                    modelID: event.modelID
                )
            )
        }
        #expect(check(rewritten) == nil)
        #expect(check(rewritten, head: head)?.kind == .diverged && check(rewritten, head: head)?.sequence == 6)
    }

    @Test("events without a model id hash exactly as before the field existed")
    func modelIDIsBackwardCompatible() {
        let time = Date(timeIntervalSince1970: 1)
        let old = EventChain.hash(
            sequence: 1,
            time: time,
            actor: "a",
            action: "b",
            subject: "c",
            payload: "{}",
            prevHash: EventChain.genesis
        )
        let none = EventChain.hash(
            sequence: 1,
            time: time,
            actor: "a",
            action: "b",
            subject: "c",
            payload: "{}",
            prevHash: EventChain.genesis,
            modelID: nil
        )
        let some = EventChain.hash(
            sequence: 1,
            time: time,
            actor: "a",
            action: "b",
            subject: "c",
            payload: "{}",
            prevHash: EventChain.genesis,
            modelID: "m"
        )
        #expect(old == none && old != some)
    }
}

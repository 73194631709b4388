import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Event catalogue")
struct EventCatalogueTests {
    @Test("payloads are canonical JSON: sorted keys, no white space, slashes unescaped, absent optionals left out")
    func canonicalPayloads() throws {
        let uploaded = RegistryEvent.versionFileUploaded(.init(path: "conf/a.json", digest: "sha256:ab", size: 3))
        #expect(try uploaded.canonicalPayload() == #"{"digest":"sha256:ab","path":"conf/a.json","size":3}"#)
        let staged = RegistryEvent.versionStageChanged(.init(from: .staging, to: .production, archived: [2, 1]))
        #expect(try staged.canonicalPayload() == #"{"archived":[2,1],"from":"Staging","to":"Production"}"#)
        #expect(try RegistryEvent.aliasDeleted(.init()).canonicalPayload() == "{}")
        #expect(staged.action == .versionStageChanged)
        #expect(staged.action.rawValue == "version.stage_changed")
    }

    @Test("a payload reads back as the case of its action, and only as that")
    func roundTrip() throws {
        let event = RegistryEvent.transitionApproved(
            .init(
                request: "r1",
                target: "stage:Production",
                comment: "ok",
                approvals: 2,
                requiredApprovals: 2,
                applied: true,
                gates: [
                    GateResult(
                        gate: "metric",
                        expression: "auc >= 0.9",
                        observed: ["auc": "0.93"],
                        passed: true,
                        message: ""
                    )
                ]
            )
        )
        let text = try event.canonicalPayload()
        #expect(try RegistryEvent(action: .transitionApproved, payload: text) == event)
        let wrong = try #require(throws: RegistryError.self) {
            try RegistryEvent(action: .versionFileUploaded, payload: text)
        }
        #expect(wrong.code == .internalError)
        #expect(wrong.message.contains("version.file_uploaded"))
    }

    @Test("non-finite numbers are written as strings and read back as numbers, never as an empty payload")
    func nonFiniteNumbers() throws {
        let event = RegistryEvent.versionFinalized(
            .init(manifestDigest: "sha256:00", files: 0, size: 0, runMetrics: ["loss": .nan, "gain": .infinity])
        )
        let text = try event.canonicalPayload()
        #expect(text.contains(#""loss":"NaN""#))
        #expect(text.contains(#""gain":"Infinity""#))
        guard case .versionFinalized(let read) = try RegistryEvent(action: .versionFinalized, payload: text) else {
            Issue.record("not a version.finalized payload")
            return
        }
        #expect(read.runMetrics?["loss"]?.isNaN == true)
        #expect(read.runMetrics?["gain"] == .infinity)
    }

    @Test("every event the service records decodes, and its envelope carries it")
    func recordedEventsDecode() async throws {
        let service = makeService()
        _ = try await service.catalog.createModel(name: "fraud", tags: ["team": "risk"], actor: .testAdmin)
        _ = try await service.publishVersion(modelName: "fraud", files: ["m.bin": Array("w".utf8)])
        _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: .testAdmin)
        for event in try await service.allEvents() {
            let typed = try event.decoded()
            #expect(typed.action.rawValue == event.action)
            #expect(try typed.canonicalPayload() == event.payload)
            let envelope = try EventEnvelope(event)
            #expect(envelope.schema == "cairn.event/1")
            #expect(try envelope.decoded() == typed)
            let wire = try JSONEncoder().encode(envelope)
            #expect(try JSONDecoder().decode(EventEnvelope.self, from: wire) == envelope)
        }
    }

    @Test("an action outside the catalogue is an error naming it")
    func unknownAction() throws {
        let event = EventChain.next(
            after: nil,
            time: Date(),
            actor: "a",
            action: "model.exploded",
            subject: "model/x",
            payload: "{}"
        )
        let error = try #require(throws: RegistryError.self) { try event.decoded() }
        #expect(error.message.contains("model.exploded"))
        #expect(throws: RegistryError.self) { try EventEnvelope(event) }
    }
}

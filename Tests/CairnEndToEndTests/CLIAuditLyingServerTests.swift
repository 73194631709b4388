import CairnCore
import CairnWire
import Foundation
import Testing

/// `cairn audit verify` against a server that lies: its own verdict says "intact", but the events it serves do not
/// chain. The CLI recomputes every link itself and must say so.
@Suite("audit verify against a lying server")
struct CLIAuditLyingServerTests {
    static func chain(alterSecond: Bool) -> [EventDTO] {
        var events: [AuditEvent] = []
        for index in 1...3 {
            events.append(
                EventChain.next(
                    after: events.last,
                    time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)),
                    actor: "admin",
                    action: "model.created",
                    subject: "models/m\(index)",
                    payload: #"{"name":"m\#(index)"}"#
                )
            )
        }
        if alterSecond { events[1].payload = #"{"name":"forged"}"# }
        return events.map {
            EventDTO(
                sequence: $0.sequence,
                time: $0.time,
                actor: $0.actor,
                action: $0.action,
                subject: $0.subject,
                payload: $0.payload,
                prevHash: $0.prevHash,
                hash: $0.hash,
                modelId: $0.modelID
            )
        }
    }

    static func answers(_ events: [EventDTO]) throws -> @Sendable (String) -> FakeServer.Answer? {
        let log = Array(try WireJSON.encoder().encode(AuditLogDTO(events: events, nextAfter: nil)))
        let last = events.last!
        let claim = AuditVerificationDTO(
            intact: true,
            checked: events.count,
            head: ChainHeadDTO(sequence: last.sequence, hash: last.hash, time: last.time),
            broken: nil
        )
        let verdict = Array(try WireJSON.encoder().encode(claim))
        return { path in
            switch path {
            case "/api/v1/audit/events": FakeServer.Answer(body: log)
            case "/api/v1/audit/verify": FakeServer.Answer(body: verdict)
            default: nil
            }
        }
    }

    @Test("an altered entry is found on the client although the server answers intact")
    func alteredEntry() async throws {
        try await FakeServer.with(try Self.answers(Self.chain(alterSecond: true))) { server in
            let result = try await CLI.run(["audit", "verify"], server: server.url)
            #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("broken at entry 2 (altered)"), "\(result.stdout)")
        }
    }

    @Test("an honest chain verifies on the client")
    func honestChain() async throws {
        try await FakeServer.with(try Self.answers(Self.chain(alterSecond: false))) { server in
            let result = try await CLI.run(["audit", "verify"], server: server.url)
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("intact: 3 entries"))
        }
    }
}

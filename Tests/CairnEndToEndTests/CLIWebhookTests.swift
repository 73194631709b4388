import CairnClient
import CairnWire
import Foundation
import Testing

/// `cairn webhooks …` against a real server and a real loopback receiver.
@Suite("cairn webhooks commands end to end", .serialized)
struct CLIWebhookTests {
    @Test("create shows the secret once; list, show, test, deliveries, update and delete work; viewers are refused")
    func lifecycle() async throws {
        try await ServerProcess.with(arguments: ["--anonymous", "none", "--webhook-allow-private"]) { server in
            let admin = try server.adminToken()
            let receiver = try await WebhookReceiver.reserve()
            try await receiver.start()
            defer { Task { await receiver.stop() } }
            let run = { (arguments: [String]) in try await CLIIdentityTests.run(arguments, server, token: admin) }

            let created = try await run(["webhooks", "create", "ci", receiver.url, "--event", "model", "--json"])
            #expect(created.status == 0, "\(created.stderr)")
            let hook = try CLIIdentityTests.decode(WebhookWithSecretDTO.self, created)
            let secret = try #require(hook.secret)
            #expect(secret.hasPrefix("whsec_"))
            let shown = try await run(["webhooks", "show", "ci", "--json"])
            #expect(!shown.stdout.contains(secret) && shown.stdout.contains(receiver.url))
            let listed = try await run(["webhooks", "list"])
            #expect(
                listed.stdout.contains("ci") && listed.stdout.contains("enabled") && listed.stdout.contains("model")
            )

            let ping = try await run(["webhooks", "test", "ci"])
            #expect(ping.status == 0 && ping.stdout.contains("delivered") && ping.stdout.contains("200"), "\(ping)")
            #expect(receiver.received.last.map { WebhookReceiver.verify($0, secret: secret) } == true)

            _ = try await run(["models", "create", "fraud"])
            #expect(try await CrashRecoveryTests.eventually { receiver.received.count == 2 })
            let deliveries = try await run(["webhooks", "deliveries", "ci", "--json"])
            let list = try CLIIdentityTests.decode(DeliveryListDTO.self, deliveries)
            #expect(list.deliveries.map(\.state) == ["delivered", "delivered"])
            let event = try #require(list.deliveries.first { $0.sequence > 0 })
            let detail = try await run(["webhooks", "deliveries", "ci", "--show", event.id])
            #expect(detail.stdout.contains("200") && detail.stdout.contains("ok"), "\(detail.stdout)")
            let again = try await run(["webhooks", "redeliver", event.id])
            #expect(again.status == 0 && again.stdout.contains(event.messageId))
            #expect(try await CrashRecoveryTests.eventually { receiver.received.count == 3 })

            let rotated = try await run(["webhooks", "update", "ci", "--rotate-secret", "--disable"])
            #expect(rotated.status == 0 && rotated.stdout.contains("whsec_") && !rotated.stdout.contains(secret))
            #expect(rotated.stdout.contains("disabled"))

            _ = try await run(["users", "create", "vera"])
            _ = try await run(["users", "grant", "vera", "viewer"])
            let veraToken = try await CLIIdentityTests.decode(
                NewTokenDTO.self,
                try await run(["tokens", "create", "--account", "vera", "--json"])
            ).secret
            let refused = try await CLIIdentityTests.run(["webhooks", "list"], server, token: veraToken)
            #expect(refused.status == 1 && refused.stderr.contains("may not administer"), "\(refused.stderr)")

            let deleted = try await run(["webhooks", "delete", "ci"])
            #expect(deleted.status == 0)
            let gone = try await run(["webhooks", "show", "ci"])
            #expect(gone.status == 1 && gone.stderr.contains("No webhook"), "\(gone.stderr)")
        }
    }
}

import ArgumentParser
import CairnClient
import CairnWire
import Foundation

/// `cairn webhooks …`: admin-managed webhooks, their deliveries, redelivery and test pings.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Create, inspect and manage webhooks (admins).",
        discussion: """
            Every event matching a webhook's filter, committed after it was created, is POSTed to its URL as JSON, \
            signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature: v1,HMAC-SHA256 of \
            "id.timestamp.body" with the secret). Deliveries are retried with backoff until the receiver answers 2xx, \
            one model's events in order. The secret is shown once, at creation or when replaced.
            """,
        subcommands: [
            Create.self, List.self, Show.self, Update.self, Delete.self, Test.self, Deliveries.self,
            Redeliver.self,
        ]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a webhook and print its secret (once).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "A unique name: letters, digits, '.', '_' and '-'.") var name: String
        @Argument(help: "The receiver's http:// or https:// URL.") var url: String
        @Option(
            name: .customLong("event"),
            help: ArgumentHelp(
                "An action or family to receive (version.stage_changed, transition); repeat for several "
                    + "(default: every action).",
                valueName: "action"
            )
        )
        var events: [String] = []
        @Option(help: ArgumentHelp("Only events of models whose name matches (* and ?).", valueName: "glob"))
        var model: String?
        @Option(help: "What the webhook is for.") var description: String?
        @Option(help: ArgumentHelp("Your own signing secret (default: Cairn makes one).", valueName: "secret"))
        var secret: String?
        @Flag(help: "Create it disabled.") var disabled = false

        func run() async throws {
            try await options.withClient { client in
                let created = try await client.createWebhook(
                    CreateWebhookRequest(
                        name: name,
                        url: url,
                        description: description,
                        actions: events,
                        modelPattern: model,
                        enabled: !disabled,
                        secret: secret
                    )
                )
                try options.json ? options.printJSON(created) : print(WebhookPresenters.created(created))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhooks.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { client in
                let list = try await client.webhooks()
                try options.json ? options.printJSON(list) : print(WebhookPresenters.table(list.webhooks))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a webhook (never its secret).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id or name.") var webhook: String

        func run() async throws {
            try await options.withClient { client in
                let shown = try await client.webhook(webhook)
                try options.json ? options.printJSON(shown) : print(WebhookPresenters.webhook(shown))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a webhook; --enable also clears an automatic disabling."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id or name.") var webhook: String
        @Option(help: "A new receiver URL.") var url: String?
        @Option(
            name: .customLong("event"),
            help: ArgumentHelp("Replace the actions received; repeat for several.", valueName: "action")
        )
        var events: [String] = []
        @Flag(help: "Receive every action again.") var allEvents = false
        @Option(help: ArgumentHelp("A new model-name glob; \"\" for every model.", valueName: "glob"))
        var model: String?
        @Option(help: "A new description.") var description: String?
        @Flag(help: "Enable it.") var enable = false
        @Flag(help: "Disable it.") var disable = false
        @Flag(help: "Replace the secret with a new random one (printed once).") var rotateSecret = false

        func validate() throws {
            if enable && disable { throw ValidationError("Pass --enable or --disable, not both.") }
            if allEvents && !events.isEmpty { throw ValidationError("Pass --event or --all-events, not both.") }
        }

        func run() async throws {
            let request = UpdateWebhookRequest(
                url: url,
                description: description,
                actions: allEvents ? [] : (events.isEmpty ? nil : events),
                modelPattern: model,
                enabled: enable ? true : (disable ? false : nil),
                rotateSecret: rotateSecret ? true : nil
            )
            try await options.withClient { client in
                let updated = try await client.updateWebhook(webhook, request)
                try options.json ? options.printJSON(updated) : print(WebhookPresenters.updated(updated))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a webhook and its delivery record.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id or name.") var webhook: String

        func run() async throws {
            try await options.withClient { client in
                try await client.deleteWebhook(webhook)
                if !options.json { print("Deleted webhook '\(webhook)'.") }
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signed webhook.test ping now.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id or name.") var webhook: String

        func run() async throws {
            try await options.withClient { client in
                let ping = try await client.testWebhook(webhook)
                try options.json ? options.printJSON(ping) : print(WebhookPresenters.delivery(ping))
                if ping.state != "delivered" { throw ExitCode(1) }
            }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a webhook's recent deliveries, or show one with every attempt."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id or name.") var webhook: String
        @Option(help: ArgumentHelp("Show this delivery with every attempt.", valueName: "delivery-id"))
        var show: String?
        @Option(help: "How many, newest first (1 to 1000).") var limit = 50

        func run() async throws {
            try await options.withClient { client in
                if let show {
                    let delivery = try await client.delivery(show)
                    try options.json ? options.printJSON(delivery) : print(WebhookPresenters.delivery(delivery))
                } else {
                    let list = try await client.deliveries(webhook: webhook, limit: limit)
                    try options.json ? options.printJSON(list) : print(WebhookPresenters.deliveries(list.deliveries))
                }
            }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a delivery's message again (same webhook-id), now."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The delivery's id (from `cairn webhooks deliveries WEBHOOK`).") var delivery: String

        func run() async throws {
            try await options.withClient { client in
                let again = try await client.redeliver(delivery)
                try options.json
                    ? options.printJSON(again)
                    : print("Scheduled \(again.messageId) again as delivery \(again.id).")
            }
        }
    }
}

enum WebhookPresenters {
    static func created(_ created: WebhookWithSecretDTO) -> String {
        """
        Created webhook '\(created.webhook.name)' (\(created.webhook.id)) → \(created.webhook.url)

            \(created.secret ?? "")

        This signing secret will not be shown again: give it to the receiver now. It verifies webhook-signature \
        (Standard Webhooks: v1, base64 HMAC-SHA256 of "webhook-id.webhook-timestamp.body", key = base64 after whsec_).
        """
    }

    static func updated(_ updated: WebhookWithSecretDTO) -> String {
        var text = webhook(updated.webhook)
        if let secret = updated.secret {
            text += "\n\nNew signing secret (shown once):\n\n    \(secret)"
        }
        return text
    }

    static func table(_ webhooks: [WebhookDTO]) -> String {
        guard !webhooks.isEmpty else { return "No webhooks." }
        var table = TableRenderer(["NAME", "STATE", "EVENTS", "MODELS", "URL"])
        for hook in webhooks {
            table.append([
                hook.name, state(hook), hook.actions.isEmpty ? "all" : hook.actions.joined(separator: ","),
                hook.modelPattern ?? "all", TableRenderer.truncate(hook.url, to: 60),
            ])
        }
        return table.render()
    }

    static func state(_ hook: WebhookDTO) -> String {
        if hook.enabled { return hook.failingSince == nil ? "enabled" : "failing" }
        return hook.disabledReason == nil ? "disabled" : "auto-disabled"
    }

    static func webhook(_ hook: WebhookDTO) -> String {
        var fields: [(String, String)] = [
            ("ID", hook.id), ("Name", hook.name), ("URL", hook.url), ("State", state(hook)),
            ("Events", hook.actions.isEmpty ? "all" : hook.actions.joined(separator: ", ")),
            ("Models", hook.modelPattern ?? "all"), ("Description", hook.description),
            ("Cursor", "event \(hook.cursor)"), ("Created", "\(Presenters.time(hook.createdAt)) by \(hook.createdBy)"),
        ]
        if let since = hook.failingSince { fields.append(("Failing since", Presenters.time(since))) }
        if let reason = hook.disabledReason { fields.append(("Disabled because", reason)) }
        return TableRenderer.fields(fields)
    }

    static func deliveries(_ deliveries: [DeliveryDTO]) -> String {
        guard !deliveries.isEmpty else { return "No deliveries yet." }
        var table = TableRenderer(["ID", "EVENT", "STATE", "ATTEMPTS", "LAST", "NEXT", "ERROR"])
        for delivery in deliveries {
            table.append([
                delivery.id, delivery.sequence == 0 ? "ping" : String(delivery.sequence), delivery.state,
                String(delivery.attempts), delivery.lastStatusCode.map(String.init) ?? "-",
                delivery.nextAttemptAt.map(Presenters.time) ?? "-",
                TableRenderer.truncate(delivery.lastError ?? "", to: 50),
            ])
        }
        return table.render()
    }

    static func delivery(_ delivery: DeliveryDTO) -> String {
        var text = TableRenderer.fields([
            ("Delivery", delivery.id), ("Message", delivery.messageId),
            ("Event", delivery.sequence == 0 ? "test ping" : String(delivery.sequence)), ("State", delivery.state),
            ("Attempts", String(delivery.attempts)),
        ])
        let attempts = delivery.attemptLog ?? []
        if !attempts.isEmpty {
            var table = TableRenderer(["#", "AT", "STATUS", "LATENCY", "ERROR", "RESPONSE"])
            for attempt in attempts {
                table.append([
                    String(attempt.number), Presenters.time(attempt.at), attempt.statusCode.map(String.init) ?? "-",
                    "\(attempt.latencyMs) ms", TableRenderer.truncate(attempt.error ?? "", to: 40),
                    TableRenderer.truncate(TableRenderer.singleLine(attempt.responseExcerpt), to: 40),
                ])
            }
            text += "\n\n" + table.render()
        }
        return text
    }
}

import ArgumentParser
import CairnClient
import CairnWire

/// `cairn policy …`: the approval policies that guard stages and aliases.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show, set and delete approval policies (a model's own, or the registry-wide default).",
        discussion: """
            A policy guards stages and aliases: a promotion into a guarded target must pass the rule's gates and \
            collect its approvals. Example (YAML or JSON):

              stages:
                Production:
                  approvals: 2
                  archive_existing: true
                  gates:
                    metrics: ["accuracy >= 0.9", "auc >= production.auc - 0.005"]
                    model_card: [intended_use]

            Setting and deleting policies needs the admin role.
            """,
        subcommands: [Show.self, SetPolicy.self, Delete.self]
    )

    /// `NAME` or `--default`: which policy a subcommand addresses.
    struct Subject: ParsableArguments {
        @Argument(help: "The model's name (omit with --default).") var name: String?
        @Flag(name: .customLong("default"), help: "The registry-wide default policy.") var isDefault = false

        func validate() throws {
            if isDefault == (name != nil) { throw ValidationError("Give a model NAME or --default, not both.") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the policy governing a model (its own, else the default) or the default policy."
        )
        @OptionGroup var options: ClientOptions
        @OptionGroup var subject: Subject

        func run() async throws {
            try await options.withClient { client in
                let policy =
                    if let name = subject.name { try await client.policy(model: name) } else {
                        try await client.defaultPolicy()
                    }
                try options.json ? options.printJSON(policy) : print(Presenters.policy(policy))
            }
        }
    }

    struct SetPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract:
                "Set a model's policy (cairn policy set NAME FILE) or the default (cairn policy set --default FILE).",
            discussion:
                "FILE is YAML or JSON, or - for standard input. The server validates it and names the field at fault."
        )
        @OptionGroup var options: ClientOptions
        @Flag(name: .customLong("default"), help: "Set the registry-wide default policy.") var isDefault = false
        @Argument(help: ArgumentHelp("NAME FILE, or FILE with --default.", valueName: "name-and-file"))
        var arguments: [String] = []

        func validate() throws {
            guard arguments.count == (isDefault ? 1 : 2) else {
                throw ValidationError(
                    isDefault ? "Give only the policy FILE with --default." : "Give the model NAME and the policy FILE."
                )
            }
        }

        func run() async throws {
            try await options.withClient { client in
                let document = try DocumentFile.read(arguments[arguments.count - 1], what: "policy")
                let stored =
                    if isDefault { try await client.setDefaultPolicy(document) } else {
                        try await client.setPolicy(model: arguments[0], document)
                    }
                try options.json ? options.printJSON(stored) : print(Presenters.policy(stored))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a model's own policy (the default applies again) or the default policy."
        )
        @OptionGroup var options: ClientOptions
        @OptionGroup var subject: Subject

        func run() async throws {
            try await options.withClient { client in
                if let name = subject.name {
                    try await client.deletePolicy(model: name)
                    if !options.json { print("Deleted the policy of '\(name)'; the default policy applies to it.") }
                } else {
                    try await client.deleteDefaultPolicy()
                    if !options.json { print("Deleted the default policy.") }
                }
            }
        }
    }
}

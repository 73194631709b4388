import ArgumentParser
import CairnClient
import CairnWire

/// `cairn models …`: registered models.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Create, list, show, rename, tag and delete registered models.",
        subcommands: [Create.self, List.self, Show.self, Rename.self, Describe.self, Tag.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a new model.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Option(help: "What the model is for.") var description: String?
        @Option(name: .customLong("tag"), help: ArgumentHelp("A tag (repeatable).", valueName: "key=value"))
        var tags: [KeyValue] = []

        func run() async throws {
            let tags = try tags.dictionary(option: "--tag")
            try await options.withClient { client in
                let model = try await client.createModel(
                    name: name,
                    description: description,
                    tags: tags.isEmpty ? nil : tags
                )
                try options.json ? options.printJSON(model) : print(Presenters.model(model))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models, sorted by name.")

        @OptionGroup var options: ClientOptions
        @Option(help: "Only models whose name contains this text.") var nameContains: String?
        @Option(help: "Only models whose name starts with this text.") var prefix: String?
        @Option(name: .customLong("tag"), help: ArgumentHelp("Only models with this tag.", valueName: "key=value"))
        var tags: [KeyValue] = []
        @Option(help: "Page size.") var limit: Int?
        @Option(help: "Continue from a page token printed by a previous listing.") var pageToken: String?
        @Flag(help: "Follow page tokens and list every match.") var all = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            let filter = CairnClient.ModelFilter(
                nameContains: nameContains,
                namePrefix: prefix,
                tags: try tags.dictionary(option: "--tag")
            )
            try await options.withClient { client in
                var page: ModelListDTO
                if all {
                    page = ModelListDTO(
                        models: try await client.listAllModels(filter, pageSize: limit),
                        nextPageToken: nil
                    )
                } else {
                    page = try await client.listModels(filter, pageToken: pageToken, limit: limit)
                    if page.nextPageToken?.isEmpty == true { page.nextPageToken = nil }
                }
                if options.json { return try options.printJSON(page) }
                print(page.models.isEmpty ? "No models." : Presenters.modelTable(page.models))
                if let token = page.nextPageToken {
                    Console.writeError("More models: add --page-token \(token), or --all.\n")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a model.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                let model = try await client.model(name)
                try options.json ? options.printJSON(model) : print(Presenters.model(model))
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a model (its versions and aliases follow).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's current name.") var name: String
        @Argument(help: "The new name.") var newName: String

        func run() async throws {
            try await options.withClient { client in
                let model = try await client.renameModel(name, to: newName)
                try options.json ? options.printJSON(model) : print("Renamed '\(name)' to '\(model.name)'.")
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a model's description.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The new description (empty to clear).") var description: String

        func run() async throws {
            try await options.withClient { client in
                let model = try await client.updateModelDescription(name, description: description)
                try options.json ? options.printJSON(model) : print(Presenters.model(model))
            }
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set or delete tags on a model.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @OptionGroup var edits: TagEdits

        func run() async throws {
            try await options.withClient { client in
                let model = try await edits.apply(
                    set: { try await client.setModelTag(name, key: $0, value: $1) },
                    delete: { try await client.deleteModelTag(name, key: $0) }
                )
                guard let model else { return }
                try options.json ? options.printJSON(model) : print(Presenters.model(model))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a model with all its versions and aliases.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                try await client.deleteModel(name)
                if !options.json { print("Deleted model '\(name)'.") }
            }
        }
    }
}

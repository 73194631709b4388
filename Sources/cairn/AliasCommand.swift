import ArgumentParser
import CairnClient
import CairnWire

/// `cairn alias …`: named pointers to versions (`models:/NAME@ALIAS`).
struct AliasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Point aliases (models:/NAME@ALIAS) at versions.",
        subcommands: [SetAlias.self, Delete.self, List.self]
    )

    struct SetAlias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Point an alias at a version (moving it if set)."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The alias, such as champion.") var alias: String
        @Argument(help: "The version number.") var version: Int

        func run() async throws {
            try await options.withClient { client in
                let set = try await client.setAlias(model: name, alias: alias, version: version)
                try options.json
                    ? options.printJSON(set) : print("models:/\(name)@\(set.alias) → version \(set.version)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an alias.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The alias.") var alias: String

        func run() async throws {
            try await options.withClient { client in
                try await client.deleteAlias(model: name, alias: alias)
                if !options.json { print("Deleted alias '\(alias)' of '\(name)'.") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a model's aliases.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                let list = try await client.aliases(model: name)
                if options.json { return try options.printJSON(list) }
                var table = TableRenderer(["ALIAS", "VERSION"], alignments: [.left, .right])
                for alias in list.aliases.sorted(by: { $0.alias < $1.alias }) {
                    table.append([alias.alias, String(alias.version)])
                }
                print(list.aliases.isEmpty ? "No aliases." : table.render())
            }
        }
    }
}

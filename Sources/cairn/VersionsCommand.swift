import ArgumentParser
import CairnClient
import CairnWire
import Foundation

/// `cairn versions …`: versions of a model.
struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List, show, describe, tag and delete model versions.",
        subcommands: [List.self, Show.self, Describe.self, Tag.self, Archive.self, Delete.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a model's versions, newest first.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Option(help: "Page size.") var limit: Int?
        @Option(help: "Continue from a page token printed by a previous listing.") var pageToken: String?
        @Flag(help: "Follow page tokens and list every version.") var all = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            try await options.withClient { client in
                var page: VersionListDTO
                if all {
                    let versions = try await client.listAllVersions(model: name, pageSize: limit)
                    page = VersionListDTO(versions: versions, nextPageToken: nil)
                } else {
                    page = try await client.listVersions(model: name, pageToken: pageToken, limit: limit)
                    if page.nextPageToken?.isEmpty == true { page.nextPageToken = nil }
                }
                if options.json { return try options.printJSON(page) }
                let aliases = try await client.aliases(model: name).aliases
                print(page.versions.isEmpty ? "No versions." : Presenters.versionTable(page.versions, aliases: aliases))
                if let token = page.nextPageToken {
                    Console.writeError("More versions: add --page-token \(token), or --all.\n")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a version and its files.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int

        func run() async throws {
            try await options.withClient { client in
                let found = try await client.version(model: name, version: version)
                if options.json { return try options.printJSON(found) }
                let aliases = try await client.aliases(model: name).aliases
                let manifest = try await client.manifest(model: name, version: version)
                print(Presenters.version(found, aliases: aliases))
                if !manifest.files.isEmpty { print("\n" + Presenters.files(manifest.files)) }
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a version's description.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @Argument(help: "The new description (empty to clear).") var description: String

        func run() async throws {
            try await options.withClient { client in
                let found = try await client.updateVersionDescription(
                    model: name,
                    version: version,
                    description: description
                )
                try options.json ? options.printJSON(found) : print(Presenters.version(found))
            }
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set or delete tags on a version.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @OptionGroup var edits: TagEdits

        func run() async throws {
            try await options.withClient { client in
                let found = try await edits.apply(
                    set: { try await client.setVersionTag(model: name, version: version, key: $0, value: $1) },
                    delete: { try await client.deleteVersionTag(model: name, version: version, key: $0) }
                )
                guard let found else { return }
                try options.json ? options.printJSON(found) : print(Presenters.version(found))
            }
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a whole version as one tar file.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @Option(name: [.customShort("o"), .long], help: "The tar file to write.") var output: String

        func run() async throws {
            try await options.withClient { client in
                let bar = ProgressBar(verb: "downloaded")
                defer { bar.finish() }
                let target = URL(fileURLWithPath: output)
                let size = try await client.downloadArchive(
                    model: name,
                    version: version,
                    to: target,
                    progress: bar.handler
                )
                if !options.json { print("Wrote \(output) (\(TransferFormatting.bytes(size))).") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a version.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int

        func run() async throws {
            try await options.withClient { client in
                try await client.deleteVersion(model: name, version: version)
                if !options.json { print("Deleted version \(version) of '\(name)'.") }
            }
        }
    }
}

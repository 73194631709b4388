import ArgumentParser
import CairnClient
import CairnCore
import CairnWire
import Foundation

/// `cairn pull URI -o DIR`: downloads a version's files, verified.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download every file of a version into a directory, verifying each digest.",
        discussion: """
            URI is models:/NAME/VERSION, models:/NAME/latest, models:/NAME/STAGE or models:/NAME@ALIAS. \
            Files are written only inside DIR; existing files at the same paths are replaced.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The version to pull, as a models:/ URI.") var uri: String
    @Option(
        name: [.customShort("o"), .long],
        help: "The directory to write into (created if needed).",
        completion: .directory
    )
    var output: String

    func validate() throws {
        do {
            _ = try ModelURI(parsing: uri)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let directoryURL = URL(fileURLWithPath: output)
        try await options.withClient { client in
            let bar = ProgressBar(verb: "downloaded")
            let resolved: ResolveDTO
            do {
                resolved = try await client.pull(uri, into: directoryURL, progress: bar.handler)
                bar.finish()
            } catch {
                bar.finish()
                throw error
            }
            if options.json { return try options.printJSON(resolved) }
            let manifest = resolved.manifest
            print(
                "Pulled \(resolved.uri) (version \(resolved.version.version) of '\(resolved.version.model)'): "
                    + "\(manifest.files.count) files, \(TransferFormatting.bytes(manifest.totalSize)) into \(output)"
            )
        }
    }
}

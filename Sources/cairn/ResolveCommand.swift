import ArgumentParser
import CairnClient
import CairnCore
import CairnWire

/// `cairn resolve URI`: which version a `models:/` URI names now.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Show which version a models:/ URI names now, with its files."
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "A models:/ URI.") var uri: String

    func validate() throws {
        do {
            _ = try ModelURI(parsing: uri)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await options.withClient { client in
            let resolved = try await client.resolve(uri)
            if options.json { return try options.printJSON(resolved) }
            print("\(resolved.uri) → version \(resolved.version.version) of '\(resolved.version.model)'\n")
            print(Presenters.version(resolved.version))
            if !resolved.manifest.files.isEmpty { print("\n" + Presenters.files(resolved.manifest.files)) }
        }
    }
}

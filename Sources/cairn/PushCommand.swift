import ArgumentParser
import CairnClient
import CairnCore
import CairnWire
import Foundation

/// `cairn push NAME DIR`: registers a new version from a directory.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Upload a directory as a new version of a model.",
        discussion: """
            Creates a version, uploads every regular file under DIR (verified by SHA-256), and finalizes it. \
            Symbolic links are followed only when they stay inside DIR.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The model's name.") var name: String
    @Argument(help: "The directory to upload.", completion: .directory) var directory: String
    @Option(help: "What changed in this version.") var description: String?
    @Option(name: .customLong("tag"), help: ArgumentHelp("A version tag (repeatable).", valueName: "key=value"))
    var tags: [KeyValue] = []
    @Option(help: "The id of the training run that produced it.") var runId: String?
    @Option(help: "Where the artifacts came from (a URI).") var source: String?
    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter (repeatable).", valueName: "key=value"))
    var params: [KeyValue] = []
    @Option(name: .customLong("metric"), help: ArgumentHelp("A numeric metric (repeatable).", valueName: "key=value"))
    var metrics: [KeyValue] = []
    @Option(
        name: .customLong("dataset"),
        help: ArgumentHelp(
            "A dataset in the lineage, by name and content digest in any form (repeatable).",
            valueName: "name=digest"
        )
    )
    var datasets: [KeyValue] = []
    @Flag(help: "Register the model first if it does not exist.") var create = false

    func validate() throws {
        _ = try request()
    }

    func request() throws -> CreateVersionRequest {
        var numbers: [String: Double] = [:]
        for (key, value) in try metrics.dictionary(option: "--metric") {
            guard let number = Double(value), number.isFinite else {
                throw ValidationError("--metric \(key)=\(value): the value must be a finite number.")
            }
            numbers[key] = number
        }
        var lineage: [DatasetDTO] = []
        for dataset in datasets {
            guard !dataset.value.isEmpty, dataset.value.utf8.count <= 500,
                !dataset.value.contains(where: \.isWhitespace)
            else {
                throw ValidationError("--dataset \(dataset.key): give the digest as name=digest (at most 500 bytes).")
            }
            lineage.append(DatasetDTO(name: dataset.key, digest: dataset.value))
        }
        let tags = try tags.dictionary(option: "--tag")
        let params = try params.dictionary(option: "--param")
        return CreateVersionRequest(
            description: description,
            tags: tags.isEmpty ? nil : tags,
            source: source,
            runId: runId,
            datasets: lineage.isEmpty ? nil : lineage,
            params: params.isEmpty ? nil : params,
            metrics: numbers.isEmpty ? nil : numbers
        )
    }

    func run() async throws {
        let request = try request()
        let directoryURL = URL(fileURLWithPath: directory)
        try await options.withClient { client in
            // Check the directory before registering anything, so a refused push leaves no trace.
            _ = try LocalTree.scan(directoryURL)
            if create {
                do {
                    _ = try await client.model(name)
                } catch let error as CairnClientError where error.isNotFound {
                    _ = try await client.createModel(name: name)
                }
            }
            let bar = ProgressBar(verb: "uploaded")
            let version: VersionDTO
            do {
                version = try await client.push(
                    model: name,
                    directory: directoryURL,
                    request: request,
                    progress: bar.handler
                )
                bar.finish()
            } catch {
                bar.finish()
                throw error
            }
            if options.json { return try options.printJSON(version) }
            print(Presenters.version(version))
        }
    }
}

import ArgumentParser
import CairnClient
import CairnCore
import CairnWire

/// `cairn card …`: a version's model card.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Show, replace and edit a version's model card.",
        discussion: """
            Fields: intended_use, training_data, evaluation_metrics, fairness_metrics (name: number), limitations, \
            ethical_considerations, markdown. Cards may be edited after a version is sealed; every edit is recorded.
            """,
        subcommands: [Show.self, SetCard.self, Edit.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model card: as Markdown (the default), or the API's JSON with --json."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @Flag(help: "Print the Markdown export (the default).") var markdown = false

        func validate() throws {
            if markdown && options.json { throw ValidationError("Give --markdown or --json, not both.") }
        }

        func run() async throws {
            try await options.withClient { client in
                if options.json {
                    return try options.printJSON(try await client.modelCard(model: name, version: version))
                }
                let text = try await client.modelCardMarkdown(model: name, version: version)
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct SetCard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Replace a model card with a YAML or JSON document (fields left out become empty)."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @Argument(help: "The card document (YAML or JSON), or - for standard input.") var file: String
        @Option(help: "Replace the card only if it is still at this revision.") var expectedRevision: Int?

        func run() async throws {
            try await options.withClient { client in
                let document = try DocumentFile.read(file, what: "model card")
                let card = try await client.setModelCard(
                    model: name,
                    version: version,
                    card: document,
                    expectedRevision: expectedRevision
                )
                try options.json ? options.printJSON(card) : print(Presenters.card(card))
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change some fields of a model card, keeping the others.",
            discussion: """
                Reads the card, changes the fields given and writes it back only if nobody edited it meanwhile; a \
                concurrent edit is refused (run the command again), never silently overwritten.
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version number.") var version: Int
        @Option(help: "What the model is for, and for whom.") var intendedUse: String?
        @Option(help: "What it was trained on.") var trainingData: String?
        @Option(help: "Where it fails or should not be used.") var limitations: String?
        @Option(help: "Risks, biases, affected groups.") var ethicalConsiderations: String?
        @Option(help: "Free Markdown notes.") var markdown: String?
        @Option(help: ArgumentHelp("An evaluation metric to set (repeatable).", valueName: "name=number"))
        var evaluationMetric: [KeyValue] = []
        @Option(help: ArgumentHelp("A fairness metric to set (repeatable).", valueName: "name=number"))
        var fairnessMetric: [KeyValue] = []

        func validate() throws {
            let texts = [intendedUse, trainingData, limitations, ethicalConsiderations, markdown]
            if texts.allSatisfy({ $0 == nil }) && evaluationMetric.isEmpty && fairnessMetric.isEmpty {
                throw ValidationError("Give at least one field to change, such as --intended-use TEXT.")
            }
            _ = try Self.numbers(evaluationMetric, option: "--evaluation-metric")
            _ = try Self.numbers(fairnessMetric, option: "--fairness-metric")
        }

        static func numbers(_ pairs: [KeyValue], option: String) throws -> [String: Double] {
            try pairs.dictionary(option: option).mapValues { value in
                guard let number = Double(value), number.isFinite else {
                    throw ValidationError("\(option): '\(value)' is not a finite number.")
                }
                return number
            }
        }

        /// The card with the requested changes applied.
        func edited(_ card: DocumentValue) throws -> DocumentValue {
            guard case .object(var fields) = card else { return card }
            let texts: [(ModelCard.Field, String?)] = [
                (.intendedUse, intendedUse), (.trainingData, trainingData), (.limitations, limitations),
                (.ethicalConsiderations, ethicalConsiderations), (.markdown, markdown),
            ]
            for case (let field, let text?) in texts { fields[field.rawValue] = .string(text) }
            let metrics: [(ModelCard.Field, [String: Double])] = [
                (.evaluationMetrics, try Self.numbers(evaluationMetric, option: "--evaluation-metric")),
                (.fairnessMetrics, try Self.numbers(fairnessMetric, option: "--fairness-metric")),
            ]
            for (field, changes) in metrics where !changes.isEmpty {
                var current: [String: DocumentValue] = [:]
                if case .object(let existing)? = fields[field.rawValue] { current = existing }
                for (key, number) in changes { current[key] = .number(number) }
                fields[field.rawValue] = .object(current)
            }
            return .object(fields)
        }

        func run() async throws {
            try await options.withClient { client in
                let current = try await client.modelCard(model: name, version: version)
                let card = try await client.setModelCard(
                    model: name,
                    version: version,
                    card: try edited(current.card),
                    expectedRevision: current.revision
                )
                try options.json ? options.printJSON(card) : print(Presenters.card(card))
            }
        }
    }
}

import Foundation

/// The structured documentation of one version: what it is for, what it was trained and evaluated on, where it fails.
///
/// Unlike the version's files and lineage, the card may be edited after the version is sealed; every edit is an event
/// carrying the whole new card, so its history can be replayed.
public struct ModelCard: Hashable, Sendable {
    /// The fields of a card, as named in documents, policies and the CLI.
    public enum Field: String, Hashable, Sendable, CaseIterable, Codable {
        case intendedUse = "intended_use"
        case trainingData = "training_data"
        case evaluationMetrics = "evaluation_metrics"
        case fairnessMetrics = "fairness_metrics"
        case limitations
        case ethicalConsiderations = "ethical_considerations"
        case markdown

        /// The section title in the Markdown export.
        public var title: String {
            switch self {
            case .intendedUse: "Intended use"
            case .trainingData: "Training data"
            case .evaluationMetrics: "Evaluation metrics"
            case .fairnessMetrics: "Fairness metrics"
            case .limitations: "Known limitations"
            case .ethicalConsiderations: "Ethical considerations"
            case .markdown: "Notes"
            }
        }

        /// Parses a field name.
        /// - Throws: `.invalidArgument` listing the fields.
        public init(parsing text: String) throws(RegistryError) {
            guard let field = Field(rawValue: text) else {
                throw .invalid(
                    "'\(text.prefix(80))' is not a model-card field. Use one of: "
                        + Field.allCases.map(\.rawValue).joined(separator: ", ") + "."
                )
            }
            self = field
        }
    }

    public var intendedUse: String
    public var trainingData: String
    public var evaluationMetrics: [String: Double]
    public var fairnessMetrics: [String: Double]
    public var limitations: String
    public var ethicalConsiderations: String
    /// Free Markdown.
    public var markdown: String

    public init(
        intendedUse: String = "",
        trainingData: String = "",
        evaluationMetrics: [String: Double] = [:],
        fairnessMetrics: [String: Double] = [:],
        limitations: String = "",
        ethicalConsiderations: String = "",
        markdown: String = ""
    ) {
        self.intendedUse = intendedUse
        self.trainingData = trainingData
        self.evaluationMetrics = evaluationMetrics
        self.fairnessMetrics = fairnessMetrics
        self.limitations = limitations
        self.ethicalConsiderations = ethicalConsiderations
        self.markdown = markdown
    }

    /// Largest text of one field, in bytes.
    public static let maxFieldBytes = 65_536
    /// Most metrics in one metrics field.
    public static let maxMetrics = 1000
    /// Largest card document, in bytes.
    public static let maxDocumentBytes = 512 * 1024

    /// Whether `field` holds something (non-blank text, at least one metric).
    public func isFilled(_ field: Field) -> Bool {
        switch field {
        case .intendedUse: !intendedUse.allSatisfy(\.isWhitespace)
        case .trainingData: !trainingData.allSatisfy(\.isWhitespace)
        case .evaluationMetrics: !evaluationMetrics.isEmpty
        case .fairnessMetrics: !fairnessMetrics.isEmpty
        case .limitations: !limitations.allSatisfy(\.isWhitespace)
        case .ethicalConsiderations: !ethicalConsiderations.allSatisfy(\.isWhitespace)
        case .markdown: !markdown.allSatisfy(\.isWhitespace)
        }
    }

    /// The fields whose value differs from `other`'s.
    public func changedFields(from other: ModelCard) -> [Field] {
        Field.allCases.filter { field in
            switch field {
            case .intendedUse: intendedUse != other.intendedUse
            case .trainingData: trainingData != other.trainingData
            case .evaluationMetrics: evaluationMetrics != other.evaluationMetrics
            case .fairnessMetrics: fairnessMetrics != other.fairnessMetrics
            case .limitations: limitations != other.limitations
            case .ethicalConsiderations: ethicalConsiderations != other.ethicalConsiderations
            case .markdown: markdown != other.markdown
            }
        }
    }

    /// Parses a card document (a JSON object with any of the ``Field`` names). Absent fields are empty.
    /// - Throws: `.invalidArgument` naming the field at fault; `.payloadTooLarge`.
    public init(document bytes: [UInt8]) throws(RegistryError) {
        let value = try DocumentValue.parse(bytes, what: "model card", maxBytes: Self.maxDocumentBytes)
        try self.init(value)
    }

    /// Reads a card from a parsed document.
    /// - Throws: `.invalidArgument` naming the field at fault.
    public init(_ value: DocumentValue) throws(RegistryError) {
        let object = try DocumentObject(value, path: "", allowed: Field.allCases.map(\.rawValue))
        let limit = Self.maxFieldBytes
        self.init(
            intendedUse: try object.string(Field.intendedUse.rawValue, maxBytes: limit) ?? "",
            trainingData: try object.string(Field.trainingData.rawValue, maxBytes: limit) ?? "",
            evaluationMetrics: try object.numbers(Field.evaluationMetrics.rawValue, maxCount: Self.maxMetrics) ?? [:],
            fairnessMetrics: try object.numbers(Field.fairnessMetrics.rawValue, maxCount: Self.maxMetrics) ?? [:],
            limitations: try object.string(Field.limitations.rawValue, maxBytes: limit) ?? "",
            ethicalConsiderations: try object.string(Field.ethicalConsiderations.rawValue, maxBytes: limit) ?? "",
            markdown: try object.string(Field.markdown.rawValue, maxBytes: limit) ?? ""
        )
    }

    /// The card as a document (every field present).
    public var document: DocumentValue {
        .object([
            Field.intendedUse.rawValue: .string(intendedUse),
            Field.trainingData.rawValue: .string(trainingData),
            Field.evaluationMetrics.rawValue: .object(evaluationMetrics.mapValues(DocumentValue.number)),
            Field.fairnessMetrics.rawValue: .object(fairnessMetrics.mapValues(DocumentValue.number)),
            Field.limitations.rawValue: .string(limitations),
            Field.ethicalConsiderations.rawValue: .string(ethicalConsiderations),
            Field.markdown.rawValue: .string(markdown),
        ])
    }

    /// The card as a Markdown document, for export.
    public func renderMarkdown(modelName: String, version: Int, revision: Int, updatedBy: String, updatedAt: Date)
        -> String
    {
        var out = "# Model card: \(modelName) version \(version)\n\n"
        out += "_Revision \(revision), last edited by \(updatedBy) at \(Self.timestamp(updatedAt))._\n"
        for field in Field.allCases {
            out += "\n## \(field.title)\n\n"
            switch field {
            case .evaluationMetrics, .fairnessMetrics:
                let metrics = field == .evaluationMetrics ? evaluationMetrics : fairnessMetrics
                if metrics.isEmpty {
                    out += "_Not provided._\n"
                } else {
                    out += "| metric | value |\n|---|---|\n"
                    for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                        out += "| \(name.replacingOccurrences(of: "|", with: "\\|")) | \(value) |\n"
                    }
                }
            default:
                let text = text(of: field)
                out += text.allSatisfy(\.isWhitespace) ? "_Not provided._\n" : text + (text.hasSuffix("\n") ? "" : "\n")
            }
        }
        return out
    }

    private func text(of field: Field) -> String {
        switch field {
        case .intendedUse: intendedUse
        case .trainingData: trainingData
        case .limitations: limitations
        case .ethicalConsiderations: ethicalConsiderations
        case .markdown: markdown
        case .evaluationMetrics, .fairnessMetrics: ""
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// A version's card as stored, with its edit count.
public struct StoredModelCard: Hashable, Sendable {
    public var versionID: String
    public var card: ModelCard
    /// 1 for the first edit, then +1 per edit: for optimistic concurrency (`expectedRevision`).
    public var revision: Int
    public var updatedAt: Date
    public var updatedBy: String

    public init(versionID: String, card: ModelCard, revision: Int, updatedAt: Date, updatedBy: String) {
        self.versionID = versionID
        self.card = card
        self.revision = revision
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

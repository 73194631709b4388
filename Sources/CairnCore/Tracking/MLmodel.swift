/// What Cairn reads from an MLflow `MLmodel` file: the model's signature (its input, output and params schemas, each
/// a JSON document as MLflow writes it).
public struct MLmodelDocument: Hashable, Sendable {
    /// `nil` when the file has no `signature`, or one with neither inputs, outputs nor params.
    public var signature: ModelSignature?

    public init(signature: ModelSignature? = nil) {
        self.signature = signature
    }
}

/// The port through which the core reads MLflow's `MLmodel` files (YAML, as PyYAML writes it: long strings folded
/// over several lines, quoted or plain). The adapter is `CairnMLflowFiles.YAMLMLmodelParser`, on a real YAML parser;
/// the core holds no YAML code.
public protocol MLmodelParser: Sendable {
    /// Parses the text of an `MLmodel` file.
    /// - Throws: `.invalidArgument` saying where the text stops being YAML, or that it is not an `MLmodel` mapping.
    func parse(_ text: String) throws(RegistryError) -> MLmodelDocument
}

/// Reads no `MLmodel` file: versions get no signature from their files. For services composed without the YAML
/// adapter (unit tests of other parts); the server always composes ``MLmodelParser`` from `CairnMLflowFiles`.
public struct NoMLmodelParser: MLmodelParser {
    public init() {}
    public func parse(_ text: String) throws(RegistryError) -> MLmodelDocument { MLmodelDocument() }
}

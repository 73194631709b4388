import Foundation

/// What a serving host reports after switching to a version (`cairn sync`): which version of which model it serves,
/// followed by which reference, from which directory. One row per (model, host), replaced by each report.
public struct Deployment: Hashable, Sendable {
    public var modelID: String
    public var modelName: String
    /// The serving host's name, as it reports itself (`cairn sync --host`, default the machine's host name).
    public var host: String
    public var version: Int
    /// What the host follows: `Production`, `@champion`, `latest`, or a pinned number.
    public var reference: String
    /// Where the host serves it from (informational; Cairn never reads it).
    public var directory: String
    public var syncedAt: Date
    public var reportedBy: String

    public init(
        modelID: String,
        modelName: String,
        host: String,
        version: Int,
        reference: String,
        directory: String,
        syncedAt: Date,
        reportedBy: String
    ) {
        self.modelID = modelID
        self.modelName = modelName
        self.host = host
        self.version = version
        self.reference = reference
        self.directory = directory
        self.syncedAt = syncedAt
        self.reportedBy = reportedBy
    }
}

extension DeliveryService {
    /// Records that `host` now serves version `number` of a model. The first report of a host, and every change of
    /// its version, is recorded as a `deployment.synced` event; a repeated report only refreshes the time, so a host
    /// reporting on every start cannot flood the log. Needs read on the model: serving hosts hold read tokens.
    /// - Throws: `.invalidArgument` for a bad host name or reference, `.notFound` for a model or version that does
    ///   not exist, `.permissionDenied`.
    public func reportDeployment(
        modelName: String,
        host: String,
        number: Int,
        reference: String,
        directory: String,
        actor: Principal
    ) async throws -> Deployment {
        try Self.validateHost(host)
        guard reference.utf8.count <= 256, directory.utf8.count <= 4096,
            !(reference + directory).unicodeScalars.contains(where: TextRules.isDisallowedScalar)
        else {
            throw RegistryError.invalid(
                "The reference (≤ 256 bytes) and directory (≤ 4096 bytes) must be printable text."
            )
        }
        let permit = try await core.admit(.reportDeployment, actor, model: modelName)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let model = try await tx.requireModel(modelName)
            guard try await tx.version(modelID: model.id, number: number) != nil else {
                throw RegistryError(.notFound, "Model '\(modelName)' has no version \(number).")
            }
            let previous = try await tx.deployment(modelID: model.id, host: host)
            let deployment = Deployment(
                modelID: model.id,
                modelName: model.name,
                host: host,
                version: number,
                reference: reference,
                directory: directory,
                syncedAt: now,
                reportedBy: actor.name
            )
            try await tx.putDeployment(deployment)
            if previous?.version != number {
                try await record(
                    tx,
                    actor: actor,
                    .deploymentSynced(
                        .init(host: host, version: number, previousVersion: previous?.version, reference: reference)
                    ),
                    subject: "model/\(model.name)/deployment/\(host)",
                    modelID: model.id,
                    at: now
                )
            }
            return deployment
        }
    }

    /// Which hosts serve which version of a model, by host name.
    public func deployments(modelName: String, actor: Principal) async throws -> [Deployment] {
        let permit = try await core.admit(.deployments, actor, model: modelName)
        return try await store.read(permit) { reader in
            let model = try await reader.requireModel(modelName)
            return try await reader.deployments(modelID: model.id).map { deployment in
                var current = deployment
                current.modelName = model.name
                return current
            }
        }
    }

    /// 1 to 253 of letters, digits, `.`, `-` and `_` (a host name, or any label an operator picks).
    static func validateHost(_ host: String) throws(RegistryError) {
        guard (1...253).contains(host.utf8.count),
            host.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            })
        else {
            throw .invalid("A host name is 1 to 253 letters, digits, '.', '-' or '_'; got '\(host.prefix(80))'.")
        }
    }
}

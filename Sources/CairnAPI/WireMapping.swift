import CairnCore
import CairnWire

/// Domain → wire and wire → domain, in one place for the native API.
enum WireMapping {
    static func model(_ model: RegisteredModel, aliases: [ModelAlias] = [], latestVersion: Int? = nil) -> ModelDTO {
        ModelDTO(
            id: model.id,
            name: model.name,
            description: model.description,
            tags: model.tags,
            aliases: aliases.map(alias),
            latestVersion: latestVersion,
            createdBy: model.createdBy,
            createdAt: model.createdAt,
            updatedBy: model.updatedBy,
            updatedAt: model.updatedAt
        )
    }

    static func alias(_ alias: ModelAlias) -> AliasDTO { AliasDTO(alias: alias.alias, version: alias.version) }

    static func version(_ version: ModelVersion) -> VersionDTO {
        let lineage = version.lineage
        return VersionDTO(
            model: version.modelName,
            version: version.number,
            id: version.id,
            status: version.status.rawValue,
            statusMessage: version.statusMessage,
            stage: version.stage.rawValue,
            description: version.description,
            tags: version.tags,
            source: lineage.source,
            runId: lineage.runID,
            runLink: lineage.runLink,
            datasets: lineage.datasets.map {
                DatasetDTO(name: $0.name, digest: $0.digest, uri: $0.uri, context: $0.context)
            },
            params: lineage.params,
            metrics: lineage.metrics,
            signature: lineage.signature.map {
                SignatureDTO(inputs: $0.inputs, outputs: $0.outputs, params: $0.params)
            },
            manifestDigest: version.manifest?.digest.description,
            fileCount: version.manifest?.entries.count,
            totalSize: version.manifest?.totalSize,
            createdBy: version.createdBy,
            createdAt: version.createdAt,
            updatedBy: version.updatedBy,
            updatedAt: version.updatedAt
        )
    }

    static func file(_ entry: ManifestEntry) -> FileDTO {
        FileDTO(path: entry.path, digest: entry.digest.description, size: entry.size, mediaType: entry.mediaType)
    }

    static func manifest(of version: ModelVersion, files: [ManifestEntry]) -> ManifestDTO {
        let sealed = version.manifest != nil
        return ManifestDTO(
            model: version.modelName,
            version: version.number,
            sealed: sealed,
            digest: version.manifest?.digest.description,
            totalSize: files.reduce(0) { $0 + $1.size },
            files: files.map(file)
        )
    }

    static func event(_ event: AuditEvent) -> EventDTO {
        EventDTO(
            sequence: event.sequence,
            time: event.time,
            actor: event.actor,
            action: event.action,
            subject: event.subject,
            payload: event.payload,
            prevHash: event.prevHash,
            hash: event.hash,
            modelId: event.modelID
        )
    }

    static func newVersion(_ request: CreateVersionRequest) -> NewVersion {
        NewVersion(
            description: request.description ?? "",
            tags: request.tags ?? [:],
            lineage: VersionLineage(
                source: request.source,
                runID: request.runId,
                runLink: request.runLink,
                datasets: (request.datasets ?? []).map {
                    DatasetReference(name: $0.name, digest: $0.digest, uri: $0.uri, context: $0.context)
                },
                params: request.params ?? [:],
                metrics: request.metrics ?? [:],
                signature: request.signature.map {
                    ModelSignature(inputs: $0.inputs, outputs: $0.outputs, params: $0.params)
                }
            )
        )
    }
}

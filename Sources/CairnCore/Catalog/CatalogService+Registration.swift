import Foundation

extension CatalogService {
    /// Registers a new version from files that already exist in Cairn, sealing them at once (`READY`).
    ///
    /// The version's manifest is a snapshot of the source's files — the same blobs, no bytes copied — so it stays
    /// intact whatever later happens to the source (a run's artifacts deleted, a logged model removed). Sources:
    /// `models:/m-<id>` (an MLflow 3 logged model), `runs:/<run>/<path>` (a run's artifacts, falling back to the
    /// run's logged model of that name), `mlflow-artifacts:/<path>`, and `models:/NAME/VERSION|latest|STAGE` or
    /// `models:/NAME@ALIAS` (a copy of another version). Any other URI is recorded as an informational source with no
    /// files. Paths on the server and internal addresses are refused (``LocationPolicy``). Lineage (run, params, metrics, datasets, signature from `MLmodel`) is filled from the run and logged
    /// model the source names; an explicit `runID` wins.
    ///
    /// Needs ``Action/write`` on the model, and ``Action/read`` on what is copied: the source model for a `models:/`
    /// version, global read for tracking sources (runs, logged models, artifacts); and an account when a policy guards
    /// the model. The run's metrics are sealed with the version (``VersionLineage/runMetrics``).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (model, run, logged model, source version),
    ///   `.invalidArgument`.
    public func registerVersion(
        modelName: String,
        source: String,
        runID: String?,
        runLink: String?,
        description: String,
        tags: [String: String],
        actor: Principal
    ) async throws -> ModelVersion {
        try ModelName.validate(modelName)
        try validateDescription(description)
        try TagRules.validate(tags)
        guard source.utf8.count <= 8192, !source.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw RegistryError.invalid("The source URI must be at most 8192 bytes without NUL.")
        }
        try locations.check(source, field: "source")
        let permit = try await core.admit(.registerVersion, actor, model: modelName)
        try await core.refuseAnonymousOnGuarded(permit, modelName: modelName, doing: "registering versions of")
        var snapshot = try await snapshot(of: source, permit)
        snapshot.lineage.source = source
        if let runID, !runID.isEmpty { snapshot.lineage.runID = runID }
        if let runLink, !runLink.isEmpty { snapshot.lineage.runLink = runLink }
        if snapshot.lineage.signature == nil, let mlmodel = snapshot.files.first(where: { $0.path == "MLmodel" }) {
            snapshot.lineage.signature = try await signature(of: mlmodel)
        }
        try validate(snapshot.lineage)
        let files = snapshot.files
        let lineage = snapshot.lineage
        // Checked before the transaction, never inside it (blob I/O may be a network call): the files are referenced
        // by the artifacts they were snapshotted from, and a reference dropped meanwhile leaves its blob for the
        // garbage collector's grace period, far longer than this call.
        for file in files where try await blobs.size(of: file.digest) != file.size {
            throw RegistryError(
                .unavailable,
                "The content of '\(file.path)' in \(source) is no longer stored; upload it again and retry."
            )
        }
        let now = clock.now()
        let id = ids.next()
        return try await store.write(permit) { tx in
            let model = try await tx.requireModel(modelName)
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: model.id,
                modelName: model.name,
                doing: "registering versions of"
            )
            let number = try await tx.allocateVersionNumber(modelID: model.id)
            var lineage = lineage
            lineage.runMetrics = try await tx.sealedRunMetrics(lineage)
            var version = ModelVersion(
                id: id,
                modelID: model.id,
                modelName: model.name,
                number: number,
                description: description,
                tags: tags,
                lineage: lineage,
                createdBy: actor.name,
                createdAt: now,
                updatedAt: now,
                updatedBy: actor.name
            )
            try await tx.insertVersion(version)
            for file in files { try await tx.putFile(versionID: id, entry: file) }
            let manifest = Manifest(entries: files)
            version.manifest = manifest
            version.status = .ready
            if files.isEmpty, Self.isExternal(source) { version.statusMessage = Self.unsealedMessage(source) }
            try await tx.updateVersion(version)
            try await record(
                tx,
                actor: actor,
                .versionRegistered(
                    .init(
                        id: id,
                        source: source,
                        runID: lineage.runID ?? "",
                        files: files.count,
                        manifestDigest: manifest.digest.description,
                        runMetrics: lineage.runMetrics ?? [:]
                    )
                ),
                subject: Subject.version(model.name, number),
                modelID: model.id,
                at: now
            )
            return version
        }
    }

    struct SourceSnapshot: Sendable {
        var files: [ManifestEntry]
        var lineage: VersionLineage
    }

    /// The logged model id of a `models:/m-<id>` source (a logged model, not a registered model's version); `nil`
    /// for any other source.
    public static func loggedModelID(of source: String?) -> String? {
        guard let source, source.hasPrefix("models:/m-") else { return nil }
        let id = source.dropFirst("models:/".count)
        return id.contains("/") || id.contains("@") ? nil : String(id)
    }

    /// The files and lineage of `source`, which the permit's actor must be allowed to read.
    func snapshot(of source: String, _ permit: Permit) async throws -> SourceSnapshot {
        let actor = permit.actor
        if let id = Self.loggedModelID(of: source) {
            try Authorization.require(actor, .read, model: nil)
            return try await snapshotLoggedModel(id: id, permit)
        }
        if source.hasPrefix("models:/") {
            let resolved = try await resolve(try ModelURI(parsing: source), actor: actor)
            var lineage = resolved.version.lineage
            lineage.source = nil
            return SourceSnapshot(files: resolved.manifest.entries, lineage: lineage)
        }
        if source.hasPrefix("runs:/") {
            try Authorization.require(actor, .read, model: nil)
            let rest = source.dropFirst("runs:/".count).drop { $0 == "/" }
            let runID = String(rest.prefix { $0 != "/" })
            let subpath = rest.dropFirst(runID.count).drop { $0 == "/" }
            guard let run = try await store.read(permit, { try await $0.run(id: runID) }) else {
                throw RegistryError(.notFound, "Run with id=\(runID) not found; check the runs:/ URI.")
            }
            var prefix = Self.artifactPath(of: run.artifactURI)
            if !subpath.isEmpty { prefix += "/" + subpath }
            var files = try await artifactFiles(under: prefix, permit)
            var lineage = Self.lineage(of: run)
            if files.isEmpty, let name = subpath.split(separator: "/").first.map(String.init) {
                let models = try await store.read(permit) {
                    try await $0.loggedModels(experimentIDs: [run.experimentID])
                }
                if let model = models.first(where: { $0.sourceRunID == run.id && $0.name == name }) {
                    let logged = try await snapshotLoggedModel(id: model.id, permit)
                    files = logged.files
                    lineage = logged.lineage
                }
            }
            return SourceSnapshot(files: files, lineage: lineage)
        }
        if source.hasPrefix("mlflow-artifacts:") {
            try Authorization.require(actor, .read, model: nil)
            let prefix = Self.artifactPath(of: source)
            var lineage = VersionLineage()
            let parts = prefix.split(separator: "/")
            if parts.count >= 3, parts[1] == "models", parts[2].hasPrefix("m-") {
                lineage = try await snapshotLoggedModel(id: String(parts[2]), permit).lineage
            } else if parts.count >= 2,
                let run = try await store.read(permit, { try await $0.run(id: String(parts[1])) })
            {
                lineage = Self.lineage(of: run)
            }
            return SourceSnapshot(files: try await artifactFiles(under: prefix, permit), lineage: lineage)
        }
        return SourceSnapshot(files: [], lineage: VersionLineage())
    }

    func snapshotLoggedModel(id: String, _ permit: Permit) async throws -> SourceSnapshot {
        guard let model = try await store.read(permit, { try await $0.loggedModel(id: id) }) else {
            throw RegistryError(.notFound, "Logged model with ID '\(id.prefix(80))' not found.")
        }
        var lineage = VersionLineage()
        if let runID = model.sourceRunID, let run = try await store.read(permit, { try await $0.run(id: runID) }) {
            lineage = Self.lineage(of: run)
        }
        lineage.runID = model.sourceRunID ?? lineage.runID
        lineage.params.merge(model.params) { _, new in new }
        for point in model.metrics { lineage.metrics[point.key] = point.value }
        lineage.metrics = lineage.metrics.filter { $0.value.isFinite }
        return SourceSnapshot(
            files: try await artifactFiles(under: Self.artifactPath(of: model.artifactLocation), permit),
            lineage: lineage
        )
    }

    /// The artifact files under `prefix`, as manifest entries relative to it (a file itself becomes its basename).
    func artifactFiles(under prefix: String, _ permit: Permit) async throws -> [ManifestEntry] {
        let entries = try await store.read(permit) { try await $0.artifacts(under: prefix, limit: 100_000) }
        return entries.map { entry in
            let relative =
                entry.path == prefix
                ? String(entry.path.split(separator: "/").last ?? "")
                : String(entry.path.dropFirst(prefix.count).drop { $0 == "/" })
            return ManifestEntry(
                path: relative,
                digest: entry.digest,
                size: entry.size,
                mediaType: MediaType.guess(forPath: relative)
            )
        }.filter { !$0.path.isEmpty }
    }

    /// `mlflow-artifacts:/1/x` and `mlflow-artifacts://host:port/1/x` → `1/x`.
    public static func artifactPath(of uri: String) -> String {
        var rest = Substring(uri)
        if rest.hasPrefix("mlflow-artifacts:") { rest = rest.dropFirst("mlflow-artifacts:".count) }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            rest = rest.drop { $0 != "/" }
        }
        return String(rest.drop { $0 == "/" }).split(separator: "/").joined(separator: "/")
    }

    static func lineage(of run: Run) -> VersionLineage {
        VersionLineage(
            runID: run.id,
            datasets: run.inputs.map { input in
                DatasetReference(
                    name: input.dataset.name,
                    digest: input.dataset.digest,
                    uri: Self.uri(inDatasetSource: input.dataset.source),
                    context: input.tags.first { $0.key == "mlflow.data.context" }?.value
                )
            },
            params: run.params,
            metrics: run.metrics.mapValues(\.value).filter { $0.value.isFinite }
        )
    }

    static func uri(inDatasetSource source: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(source.utf8)) as? [String: Any] else {
            return nil
        }
        return (object["uri"] ?? object["url"] ?? object["path"]) as? String
    }

    /// The largest `MLmodel` file read for its signature (a signature of 10,000 columns is about 600 KiB).
    static let maxMLmodelBytes: Int64 = 4 << 20

    /// Reads the signature from the version's `MLmodel` file. MLflow's server never reads the file, so neither does a
    /// bad one refuse the registration here: a file that is not YAML, too large, or has a signature beyond the
    /// lineage limits gives the version no signature (the file itself is sealed with it unchanged).
    func signature(of mlmodel: ManifestEntry) async throws -> ModelSignature? {
        guard mlmodel.size <= Self.maxMLmodelBytes else { return nil }
        var bytes: [UInt8] = []
        for try await chunk in try await blobs.read(mlmodel.digest, range: nil) { bytes += chunk }
        guard let document = try? mlmodels.parse(String(decoding: bytes, as: UTF8.self)),
            let signature = document.signature
        else { return nil }
        return (try? validate(VersionLineage(signature: signature))) == nil ? nil : signature
    }
}

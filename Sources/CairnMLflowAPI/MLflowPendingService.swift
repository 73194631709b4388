import CairnCore

// TEMPORARY — delete this file once RegistryService has every call below.
//
// The tracking, logged-model and artifact use cases are being written in CairnCore in parallel. Handlers call them on
// `RegistryService` with their agreed signatures; until a method lands, the protocol-extension default below answers
// (503 TEMPORARILY_UNAVAILABLE). A member of `RegistryService` itself always wins over a protocol-extension member,
// so each default goes dead the moment the real method exists; deleting this file then changes nothing.

/// A directory entry of the tracking artifact tree, until CairnCore's `ArtifactListing` exists.
struct PendingArtifactListing: Sendable {
    var path: String
    var isDirectory: Bool
    var size: Int64?
}

/// The service calls the adapter needs that are not on `RegistryService` yet.
protocol MLflowPendingService {}

extension RegistryService: MLflowPendingService {}

extension MLflowPendingService {
    private func pending(_ name: String) -> RegistryError {
        RegistryError(.unavailable, "\(name) is not available on this server yet.")
    }

    func createRun(
        experimentID: String,
        name: String?,
        userID: String,
        startTime: Int64?,
        tags: [String: String],
        actor: Principal
    ) async throws -> Run { throw pending("createRun") }
    func run(id: String) async throws -> Run { throw pending("run") }
    func updateRun(id: String, status: RunStatus?, endTime: Int64?, name: String?, actor: Principal) async throws -> Run {
        throw pending("updateRun")
    }
    func deleteRun(id: String, actor: Principal) async throws { throw pending("deleteRun") }
    func restoreRun(id: String, actor: Principal) async throws { throw pending("restoreRun") }
    func logBatch(
        runID: String,
        metrics: [MetricPoint],
        params: [String: String],
        tags: [String: String],
        actor: Principal
    ) async throws { throw pending("logBatch") }
    func logInputs(runID: String, inputs: [RunInput], actor: Principal) async throws { throw pending("logInputs") }
    func logOutputs(runID: String, outputs: [RunOutput], actor: Principal) async throws { throw pending("logOutputs") }
    func deleteRunTag(runID: String, key: String, actor: Principal) async throws { throw pending("deleteRunTag") }
    func searchRuns(
        experimentIDs: [String],
        stages: Set<LifecycleStage>,
        clauses: [SearchClause],
        order: [SearchOrder],
        pageToken: String?,
        limit: Int
    ) async throws -> Page<Run> { throw pending("searchRuns") }
    func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint] {
        throw pending("metricHistory")
    }
    func createLoggedModel(
        experimentID: String,
        name: String,
        sourceRunID: String?,
        modelType: String,
        params: [String: String],
        tags: [String: String],
        actor: Principal
    ) async throws -> LoggedModel { throw pending("createLoggedModel") }
    func loggedModel(id: String) async throws -> LoggedModel { throw pending("loggedModel") }
    func finalizeLoggedModel(id: String, status: LoggedModelStatus, actor: Principal) async throws -> LoggedModel {
        throw pending("finalizeLoggedModel")
    }
    func setLoggedModelTags(id: String, tags: [String: String], actor: Principal) async throws {
        throw pending("setLoggedModelTags")
    }
    func deleteLoggedModelTag(id: String, key: String, actor: Principal) async throws {
        throw pending("deleteLoggedModelTag")
    }
    func deleteLoggedModel(id: String, actor: Principal) async throws { throw pending("deleteLoggedModel") }
    func searchLoggedModels(
        experimentIDs: [String],
        clauses: [SearchClause],
        order: [SearchOrder],
        pageToken: String?,
        limit: Int
    ) async throws -> Page<LoggedModel> { throw pending("searchLoggedModels") }
    func uploadArtifact(
        path: String,
        expectedSize: Int64?,
        actor: Principal,
        writeBody: (any BlobUpload) async throws -> Void
    ) async throws -> ArtifactEntry { throw pending("uploadArtifact") }
    func deleteArtifacts(path: String, actor: Principal) async throws { throw pending("deleteArtifacts") }
    func downloadURI(modelName: String, number: Int) async throws -> String { throw pending("downloadURI") }
    /// Until the lead's combined view lands: the tracking tree only (no `_cairn/versions/…`).
    func browseArtifacts(directory: String) async throws -> [PendingArtifactListing] {
        guard let service = self as? RegistryService else { throw pending("browseArtifacts") }
        return try await service.listArtifacts(directory: directory).map {
            PendingArtifactListing(path: $0.path, isDirectory: $0.isDirectory, size: $0.size)
        }
    }
    /// Until the lead's combined view lands: the tracking tree only (no `_cairn/versions/…`).
    func readArtifact(path: String, range: Range<Int64>?) async throws -> (
        size: Int64, digest: Digest, stream: BlobByteStream
    ) {
        guard let service = self as? RegistryService else { throw pending("readArtifact") }
        let (entry, stream) = try await service.openArtifact(path: path, range: range)
        return (entry.size, entry.digest, stream)
    }
}

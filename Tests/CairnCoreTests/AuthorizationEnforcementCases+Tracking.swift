import CairnCore
import CairnTesting

extension EnforcementCase {
    /// Tracking belongs to no model: every call needs a global grant.
    static let tracking: [EnforcementCase] = [
        global(.createExperiment, .write) {
            _ = try await $0.tracking.createExperiment(name: "exp2", actor: $1)
        },
        global(.experiment, .read) { _ = try await $0.tracking.experiment(id: "1", actor: $1) },
        global(.experimentByName, .read) { _ = try await $0.tracking.experiment(named: "exp", actor: $1) },
        global(.searchExperiments, .read) {
            _ = try await $0.tracking.searchExperiments(
                stages: [],
                clauses: [],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.renameExperiment, .write) {
            _ = try await $0.tracking.renameExperiment(id: "1", to: "exp-renamed", actor: $1)
        },
        global(.setExperimentTag, .write) {
            try await $0.tracking.setExperimentTag(id: "1", key: "k", value: "v", actor: $1)
        },
        global(.deleteExperimentTag, .write) {
            try await $0.tracking.deleteExperimentTag(id: "1", key: "t", actor: $1)
        },
        global(.deleteExperiment, .write) { try await $0.tracking.deleteExperiment(id: "1", actor: $1) },
        global(.restoreExperiment, .write) { try await $0.tracking.restoreExperiment(id: "1", actor: $1) },
        global(.createRun, .write) {
            _ = try await $0.tracking.createRun(
                experimentID: "1",
                name: "r2",
                userID: "u",
                startTime: nil,
                tags: [:],
                actor: $1
            )
        },
        global(.run, .read) { _ = try await $0.tracking.run(id: $2.runID, actor: $1) },
        global(.updateRun, .write) {
            _ = try await $0.tracking.updateRun(id: $2.runID, status: .finished, endTime: 2, name: nil, actor: $1)
        },
        global(.deleteRun, .write) { try await $0.tracking.deleteRun(id: $2.runID, actor: $1) },
        global(.restoreRun, .write) { try await $0.tracking.restoreRun(id: $2.runID, actor: $1) },
        global(.logBatch, .write) {
            let point = MetricPoint(key: "loss", value: 0.5, timestamp: 2, step: 1)
            try await $0.tracking.logBatch(runID: $2.runID, metrics: [point], params: [:], tags: ["x": "y"], actor: $1)
        },
        global(.logInputs, .write) {
            let dataset = DatasetRecord(name: "d", digest: "1", sourceType: "local", source: "{}")
            try await $0.tracking.logInputs(runID: $2.runID, inputs: [RunInput(dataset: dataset)], actor: $1)
        },
        global(.logOutputs, .write) {
            try await $0.tracking.logOutputs(
                runID: $2.runID,
                outputs: [RunOutput(modelID: $2.loggedModelID)],
                actor: $1
            )
        },
        global(.deleteRunTag, .write) {
            try await $0.tracking.deleteRunTag(runID: $2.runID, key: "t", actor: $1)
        },
        global(.searchRuns, .read) {
            _ = try await $0.tracking.searchRuns(
                experimentIDs: ["1"],
                stages: [],
                clauses: [],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.metricHistory, .read) {
            _ = try await $0.tracking.metricHistory(runID: $2.runID, key: "loss", limit: 10, actor: $1)
        },
        global(.createLoggedModel, .write) {
            _ = try await $0.tracking.createLoggedModel(
                experimentID: "1",
                name: "lm2",
                sourceRunID: nil,
                modelType: "",
                params: [:],
                tags: [:],
                actor: $1
            )
        },
        global(.loggedModel, .read) { _ = try await $0.tracking.loggedModel(id: $2.loggedModelID, actor: $1) },
        global(.finalizeLoggedModel, .write) {
            _ = try await $0.tracking.finalizeLoggedModel(id: $2.loggedModelID, status: .ready, actor: $1)
        },
        global(.logLoggedModelParams, .write) {
            try await $0.tracking.logLoggedModelParams(id: $2.loggedModelID, params: ["extra": "1"], actor: $1)
        },
        global(.setLoggedModelTags, .write) {
            try await $0.tracking.setLoggedModelTags(id: $2.loggedModelID, tags: ["a": "b"], actor: $1)
        },
        global(.deleteLoggedModelTag, .write) {
            try await $0.tracking.deleteLoggedModelTag(id: $2.loggedModelID, key: "t", actor: $1)
        },
        global(.deleteLoggedModel, .delete, records: true) {
            try await $0.tracking.deleteLoggedModel(id: $2.loggedModelID, actor: $1)
        },
        global(.searchLoggedModels, .read) {
            _ = try await $0.tracking.searchLoggedModels(
                experimentIDs: ["1"],
                clauses: [],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.uploadArtifact, .write) {
            try await $0.putArtifact(bytes("z"), at: "1/x/z.txt", actor: $1)
        },
        global(.createArtifactMultipartUpload, .write) {
            _ = try await $0.tracking.createArtifactMultipartUpload(path: "1/x/big.bin", partCount: 2, actor: $1)
        },
        // Only the opener may complete or abort an upload, so each case opens its own (as the same principal: the
        // refusal of a principal who may not write comes from the same check in every multipart use case).
        global(.completeArtifactMultipartUpload, .write) { service, actor, _ in
            let upload = try await service.tracking.createArtifactMultipartUpload(
                path: "1/x/big.bin",
                partCount: 1,
                actor: actor
            )
            _ = try await service.tracking.uploadArtifactPart(
                uploadID: upload.id,
                partNumber: 1,
                partToken: upload.partToken,
                expectedSize: 1
            ) { try await writeChunks(bytes("p"), to: $0, chunkSize: 1) }
            _ = try await service.tracking.completeArtifactMultipartUpload(
                path: "1/x/big.bin",
                uploadID: upload.id,
                parts: [(1, nil)],
                actor: actor
            )
        },
        global(.abortArtifactMultipartUpload, .write) { service, actor, _ in
            let upload = try await service.tracking.createArtifactMultipartUpload(
                path: "1/x/big.bin",
                partCount: 1,
                actor: actor
            )
            try await service.tracking.abortArtifactMultipartUpload(
                path: "1/x/big.bin",
                uploadID: upload.id,
                actor: actor
            )
        },
        global(.listArtifacts, .read) { _ = try await $0.tracking.listArtifacts(directory: "1", actor: $1) },
        global(.openArtifact, .read) {
            _ = try await $0.tracking.openArtifact(path: "1/\($2.runID)/artifacts/a.txt", range: nil, actor: $1)
        },
        global(.deleteArtifacts, .delete, records: true) {
            try await $0.tracking.deleteArtifacts(path: "1/\($2.runID)", actor: $1)
        },
    ]

    /// Identity: administration, recorded when refused. None of the principals under test is `dana` herself.
    static let identity: [EnforcementCase] = [
        global(.createAccount, .administer, records: true) {
            _ = try await $0.identity.createAccount(name: "erin", kind: .user, actor: $1)
        },
        global(.accounts, .administer, records: true) { _ = try await $0.identity.accounts(actor: $1) },
        global(.account, .administer, records: true) {
            _ = try await $0.identity.account(named: "dana", actor: $1)
        },
        global(.disableAccount, .administer, records: true) {
            _ = try await $0.identity.disableAccount(name: "dana", actor: $1)
        },
        global(.enableAccount, .administer, records: true) {
            _ = try await $0.identity.enableAccount(name: "dana", actor: $1)
        },
        global(.setPassword, .administer, records: true) {
            try await $0.identity.setPassword(accountName: "dana", password: "a long enough password", actor: $1)
        },
        global(.grant, .administer, records: true) {
            try await $0.identity.grant(Grant(.editor), to: "dana", actor: $1)
        },
        global(.revoke, .administer, records: true) {
            try await $0.identity.revoke(Grant(.viewer), from: "dana", actor: $1)
        },
        global(.createToken, .administer, records: true) {
            _ = try await $0.identity.createToken(accountName: "dana", actor: $1)
        },
        global(.tokens, .administer, records: true) {
            _ = try await $0.identity.tokens(accountName: "dana", actor: $1)
        },
        global(.revokeToken, .administer, records: true) {
            try await $0.identity.revokeToken(id: $2.tokenID, actor: $1)
        },
    ]
}

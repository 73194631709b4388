import CairnCore
import CairnTesting

extension EnforcementCase {
    /// Tracking belongs to no model: every call needs a global grant.
    static let tracking: [EnforcementCase] = [
        global("createExperiment(name:tags:artifactLocation:actor:)", .write) {
            _ = try await $0.createExperiment(name: "exp2", actor: $1)
        },
        global("experiment(id:actor:)", .read) { _ = try await $0.experiment(id: "1", actor: $1) },
        global("experiment(named:actor:)", .read) { _ = try await $0.experiment(named: "exp", actor: $1) },
        global("searchExperiments(stages:clauses:order:pageToken:limit:actor:)", .read) {
            _ = try await $0.searchExperiments(stages: [], clauses: [], order: [], pageToken: nil, limit: 10, actor: $1)
        },
        global("renameExperiment(id:to:actor:)", .write) {
            _ = try await $0.renameExperiment(id: "1", to: "exp-renamed", actor: $1)
        },
        global("setExperimentTag(id:key:value:actor:)", .write) {
            try await $0.setExperimentTag(id: "1", key: "k", value: "v", actor: $1)
        },
        global("deleteExperimentTag(id:key:actor:)", .write) {
            try await $0.deleteExperimentTag(id: "1", key: "t", actor: $1)
        },
        global("deleteExperiment(id:actor:)", .write) { try await $0.deleteExperiment(id: "1", actor: $1) },
        global("restoreExperiment(id:actor:)", .write) { try await $0.restoreExperiment(id: "1", actor: $1) },
        global("createRun(experimentID:name:userID:startTime:tags:actor:)", .write) {
            _ = try await $0.createRun(experimentID: "1", name: "r2", userID: "u", startTime: nil, tags: [:], actor: $1)
        },
        global("run(id:actor:)", .read) { _ = try await $0.run(id: $2.runID, actor: $1) },
        global("updateRun(id:status:endTime:name:actor:)", .write) {
            _ = try await $0.updateRun(id: $2.runID, status: .finished, endTime: 2, name: nil, actor: $1)
        },
        global("deleteRun(id:actor:)", .write) { try await $0.deleteRun(id: $2.runID, actor: $1) },
        global("restoreRun(id:actor:)", .write) { try await $0.restoreRun(id: $2.runID, actor: $1) },
        global("logBatch(runID:metrics:params:tags:actor:)", .write) {
            let point = MetricPoint(key: "loss", value: 0.5, timestamp: 2, step: 1)
            try await $0.logBatch(runID: $2.runID, metrics: [point], params: [:], tags: ["x": "y"], actor: $1)
        },
        global("logInputs(runID:inputs:models:actor:)", .write) {
            let dataset = DatasetRecord(name: "d", digest: "1", sourceType: "local", source: "{}")
            try await $0.logInputs(runID: $2.runID, inputs: [RunInput(dataset: dataset)], actor: $1)
        },
        global("logOutputs(runID:outputs:actor:)", .write) {
            try await $0.logOutputs(runID: $2.runID, outputs: [RunOutput(modelID: $2.loggedModelID)], actor: $1)
        },
        global("deleteRunTag(runID:key:actor:)", .write) {
            try await $0.deleteRunTag(runID: $2.runID, key: "t", actor: $1)
        },
        global("searchRuns(experimentIDs:stages:clauses:order:pageToken:limit:actor:)", .read) {
            _ = try await $0.searchRuns(
                experimentIDs: ["1"],
                stages: [],
                clauses: [],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global("metricHistory(runID:key:pageToken:limit:actor:)", .read) {
            _ = try await $0.metricHistory(runID: $2.runID, key: "loss", limit: 10, actor: $1)
        },
        global("createLoggedModel(experimentID:name:sourceRunID:modelType:params:tags:actor:)", .write) {
            _ = try await $0.createLoggedModel(
                experimentID: "1",
                name: "lm2",
                sourceRunID: nil,
                modelType: "",
                params: [:],
                tags: [:],
                actor: $1
            )
        },
        global("loggedModel(id:actor:)", .read) { _ = try await $0.loggedModel(id: $2.loggedModelID, actor: $1) },
        global("finalizeLoggedModel(id:status:actor:)", .write) {
            _ = try await $0.finalizeLoggedModel(id: $2.loggedModelID, status: .ready, actor: $1)
        },
        global("logLoggedModelParams(id:params:actor:)", .write) {
            try await $0.logLoggedModelParams(id: $2.loggedModelID, params: ["extra": "1"], actor: $1)
        },
        global("setLoggedModelTags(id:tags:actor:)", .write) {
            try await $0.setLoggedModelTags(id: $2.loggedModelID, tags: ["a": "b"], actor: $1)
        },
        global("deleteLoggedModelTag(id:key:actor:)", .write) {
            try await $0.deleteLoggedModelTag(id: $2.loggedModelID, key: "t", actor: $1)
        },
        global("deleteLoggedModel(id:actor:)", .delete, records: true) {
            try await $0.deleteLoggedModel(id: $2.loggedModelID, actor: $1)
        },
        global("searchLoggedModels(experimentIDs:clauses:order:datasets:pageToken:limit:actor:)", .read) {
            _ = try await $0.searchLoggedModels(
                experimentIDs: ["1"],
                clauses: [],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: $1
            )
        },
        global("uploadArtifact(path:expectedSize:actor:writeBody:)", .write) {
            try await $0.putArtifact(bytes("z"), at: "1/x/z.txt", actor: $1)
        },
        global("createArtifactMultipartUpload(path:partCount:actor:)", .write) {
            _ = try await $0.createArtifactMultipartUpload(path: "1/x/big.bin", partCount: 2, actor: $1)
        },
        // Only the opener may complete or abort an upload, so each case opens its own (as the same principal: the
        // refusal of a principal who may not write comes from the same check in every multipart use case).
        global("completeArtifactMultipartUpload(path:uploadID:parts:actor:)", .write) { service, actor, _ in
            let upload = try await service.createArtifactMultipartUpload(
                path: "1/x/big.bin",
                partCount: 1,
                actor: actor
            )
            _ = try await service.uploadArtifactPart(
                uploadID: upload.id,
                partNumber: 1,
                partToken: upload.partToken,
                expectedSize: 1
            ) { try await writeChunks(bytes("p"), to: $0, chunkSize: 1) }
            _ = try await service.completeArtifactMultipartUpload(
                path: "1/x/big.bin",
                uploadID: upload.id,
                parts: [(1, nil)],
                actor: actor
            )
        },
        global("abortArtifactMultipartUpload(path:uploadID:actor:)", .write) { service, actor, _ in
            let upload = try await service.createArtifactMultipartUpload(
                path: "1/x/big.bin",
                partCount: 1,
                actor: actor
            )
            try await service.abortArtifactMultipartUpload(path: "1/x/big.bin", uploadID: upload.id, actor: actor)
        },
        global("listArtifacts(directory:actor:)", .read) { _ = try await $0.listArtifacts(directory: "1", actor: $1) },
        global("openArtifact(path:range:actor:)", .read) {
            _ = try await $0.openArtifact(path: "1/\($2.runID)/artifacts/a.txt", range: nil, actor: $1)
        },
        global("deleteArtifacts(path:actor:)", .delete, records: true) {
            try await $0.deleteArtifacts(path: "1/\($2.runID)", actor: $1)
        },
    ]

    /// Identity: administration, recorded when refused. None of the principals under test is `dana` herself.
    static let identity: [EnforcementCase] = [
        global("createAccount(name:kind:actor:)", .administer, records: true) {
            _ = try await $0.createAccount(name: "erin", kind: .user, actor: $1)
        },
        global("accounts(actor:)", .administer, records: true) { _ = try await $0.accounts(actor: $1) },
        global("account(named:actor:)", .administer, records: true) {
            _ = try await $0.account(named: "dana", actor: $1)
        },
        global("disableAccount(name:actor:)", .administer, records: true) {
            _ = try await $0.disableAccount(name: "dana", actor: $1)
        },
        global("enableAccount(name:actor:)", .administer, records: true) {
            _ = try await $0.enableAccount(name: "dana", actor: $1)
        },
        global("setPassword(accountName:password:currentPassword:actor:)", .administer, records: true) {
            try await $0.setPassword(accountName: "dana", password: "a long enough password", actor: $1)
        },
        global("grant(_:to:actor:)", .administer, records: true) {
            try await $0.grant(Grant(.editor), to: "dana", actor: $1)
        },
        global("revoke(_:from:actor:)", .administer, records: true) {
            try await $0.revoke(Grant(.viewer), from: "dana", actor: $1)
        },
        global("createToken(accountName:description:expiresAt:actor:)", .administer, records: true) {
            _ = try await $0.createToken(accountName: "dana", actor: $1)
        },
        global("tokens(accountName:actor:)", .administer, records: true) {
            _ = try await $0.tokens(accountName: "dana", actor: $1)
        },
        global("revokeToken(id:actor:)", .administer, records: true) {
            try await $0.revokeToken(id: $2.tokenID, actor: $1)
        },
    ]
}

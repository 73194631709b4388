import CairnCore
import CairnWire

/// Governance values of the core as wire DTOs.
extension WireMapping {
    static func policy(_ effective: EffectivePolicy, model: String?) -> PolicyDTO {
        PolicyDTO(
            source: effective.source.rawValue,
            model: model,
            policy: effective.stored?.policy.document,
            updatedBy: effective.stored?.updatedBy,
            updatedAt: effective.stored?.updatedAt
        )
    }

    static func request(_ request: TransitionRequest) -> TransitionRequestDTO {
        TransitionRequestDTO(
            id: request.id,
            model: request.modelName,
            version: request.versionNumber,
            versionId: request.versionID,
            target: request.target.key,
            archiveExisting: request.archiveExisting,
            requestedBy: request.requestedBy,
            comment: request.comment,
            state: request.state.rawValue,
            requiredApprovals: request.requiredApprovals,
            separationOfDuties: request.separationOfDuties,
            decisions: request.decisions.map {
                DecisionDTO(approver: $0.approver, verdict: $0.verdict.rawValue, comment: $0.comment, time: $0.time)
            },
            gateResults: request.gateResults.map {
                GateResultDTO(
                    gate: $0.gate,
                    expression: $0.expression,
                    observed: $0.observed,
                    passed: $0.passed,
                    message: $0.message
                )
            },
            rule: (try? DocumentValue.parse(Array(request.rule.utf8), what: "rule", maxBytes: .max)) ?? .null,
            createdAt: request.createdAt,
            updatedAt: request.updatedAt,
            resolvedBy: request.resolvedBy,
            resolution: request.resolution
        )
    }

    static func outcome(_ outcome: TransitionOutcome) -> TransitionOutcomeDTO {
        TransitionOutcomeDTO(
            applied: outcome.applied,
            version: version(outcome.version),
            request: outcome.request.map(request)
        )
    }

    static func card(_ stored: StoredModelCard, model: String, version: Int) -> ModelCardDTO {
        ModelCardDTO(
            model: model,
            version: version,
            revision: stored.revision,
            updatedBy: stored.updatedBy,
            updatedAt: stored.updatedAt,
            card: stored.card.document
        )
    }

    static func stageChange(_ change: StageChange) -> StageChangeDTO {
        StageChangeDTO(
            sequence: change.sequence,
            time: change.time,
            actor: change.actor,
            version: change.version,
            from: change.from.rawValue,
            to: change.to.rawValue,
            archived: change.archived,
            request: change.request,
            rollbackReason: change.rollbackReason
        )
    }

    static func history(_ history: StageHistory) -> StageHistoryDTO {
        var stages: [String: [Int]] = [:]
        for stage in Stage.allCases {
            let numbers = history.versions(in: stage)
            if !numbers.isEmpty { stages[stage.rawValue] = numbers }
        }
        return StageHistoryDTO(
            model: history.modelName,
            at: history.at,
            stages: stages,
            changes: history.changes.map(stageChange)
        )
    }

    static func head(_ head: ChainHead) -> ChainHeadDTO {
        ChainHeadDTO(sequence: head.sequence, hash: head.hash, time: head.time)
    }

    static func verification(_ result: AuditVerification) -> AuditVerificationDTO {
        AuditVerificationDTO(
            intact: result.broken == nil,
            checked: result.checked,
            head: result.head.map(head),
            broken: result.broken.map {
                ChainBreakDTO(sequence: $0.sequence, kind: $0.kind.rawValue, reason: $0.reason)
            }
        )
    }
}

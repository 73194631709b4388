import CairnCore
import CairnWire
import Foundation

/// Verifying the audit log on the client: the server's own verdict (``CairnClient/verifyAuditLog(head:)``) is only
/// as good as the server. This walks every event the server sends and recomputes each link of the hash chain here,
/// with the same rules (`EventChain.Verifier`), so a server that alters, drops, inserts or reorders entries cannot
/// answer "intact"; against an exported (signed) head, not even by rewriting the whole log.
extension CairnClient {
    /// Downloads the whole event log, oldest first, and verifies its chain locally.
    /// - Parameter head: an exported chain head the log must still hold and reach.
    /// - Returns: the verdict, in the shape of the server's (`checked`, the last intact entry, the first break).
    public func verifyAuditLogLocally(head: ChainHeadDTO? = nil) async throws -> AuditVerificationDTO {
        var verifier = EventChain.Verifier(
            head: head.map { ChainHead(sequence: $0.sequence, hash: $0.hash, time: $0.time) }
        )
        var broken: EventChain.Break?
        try await forEachAuditEvent { events in
            guard broken == nil else { return }
            for dto in events {
                let event = AuditEvent(
                    sequence: dto.sequence,
                    time: dto.time,
                    actor: dto.actor,
                    action: dto.action,
                    subject: dto.subject,
                    payload: dto.payload,
                    prevHash: dto.prevHash,
                    hash: dto.hash,
                    modelID: dto.modelId
                )
                if let found = verifier.feed(event) {
                    broken = found
                    return
                }
            }
        }
        if broken == nil { broken = verifier.finish() }
        return AuditVerificationDTO(
            intact: broken == nil,
            checked: verifier.checked,
            head: verifier.last.map { ChainHeadDTO(sequence: $0.sequence, hash: $0.hash, time: $0.time) },
            broken: broken.map { ChainBreakDTO(sequence: $0.sequence, kind: $0.kind.rawValue, reason: $0.reason) }
        )
    }
}

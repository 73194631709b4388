import Foundation

/// One area service of ``RegistryService``: its use cases reach the shared ``ServiceCore`` through these forwarders,
/// so a use case reads the same whichever area it lives in.
protocol RegistryArea: Sendable {
    var core: ServiceCore { get }
}

extension RegistryArea {
    var clock: any Clock { core.clock }
    var ids: any IDGenerator { core.ids }
    var limits: RegistryService.Limits { core.limits }
    var blobs: any BlobStore { core.blobs }
    var locations: LocationPolicy { core.locations }

    /// ``ServiceCore/record(_:actor:_:subject:modelID:at:)``.
    func record(
        _ tx: any EventLogWriter,
        actor: Principal,
        _ event: RegistryEvent,
        subject: String,
        modelID: String? = nil,
        at time: Date
    ) async throws {
        try await core.record(tx, actor: actor, event, subject: subject, modelID: modelID, at: time)
    }

    /// ``ServiceCore/recordDenial(_:actor:action:subject:modelID:attempted:reason:at:suppressedBefore:)``.
    func recordDenial(
        _ tx: any EventLogWriter,
        actor: Principal,
        action: Action,
        subject: String,
        modelID: String?,
        attempted: String,
        reason: String,
        at now: Date
    ) async throws {
        try await core.recordDenial(
            tx,
            actor: actor,
            action: action,
            subject: subject,
            modelID: modelID,
            attempted: attempted,
            reason: reason,
            at: now
        )
    }

    func validateDescription(_ description: String) throws(RegistryError) {
        try core.validateDescription(description)
    }
}

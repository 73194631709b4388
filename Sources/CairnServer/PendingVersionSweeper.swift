import CairnCore
import Logging
import ServiceLifecycle

/// Periodically expires versions left `PENDING` too long, removes upload sessions idle for the grace period and
/// collects the released blobs nothing references (``CatalogService/collectGarbage(graceSeconds:batchSize:)``), and
/// prunes the record of webhook deliveries that ended longer ago than their retention
/// (``DeliveryService/pruneDeliveries(batchSize:)``).
struct PendingVersionSweeper: Service {
    let service: RegistryService
    let pendingTimeoutSeconds: Double
    let blobGraceSeconds: Double
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await sweepOnce()
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(intervalSeconds))
                }
            } catch {
                return
            }
        }
    }

    func sweepOnce() async {
        do {
            let expired = try await service.catalog.expireStalePendingVersions(olderThanSeconds: pendingTimeoutSeconds)
            let removed = try await service.blobs.removeAbandonedUploads(olderThanSeconds: blobGraceSeconds)
            let collected = try await service.catalog.collectGarbage(graceSeconds: blobGraceSeconds)
            let pruned = try await service.delivery.pruneDeliveries()
            if pruned > 0 { logger.info("pruned ended webhook deliveries", metadata: ["deliveries": "\(pruned)"]) }
            if expired > 0 || removed > 0 || collected.deleted > 0 {
                logger.info(
                    "swept stale pending versions, idle uploads and unreferenced blobs",
                    metadata: [
                        "versions": "\(expired)", "uploads": "\(removed)", "blobs_deleted": "\(collected.deleted)",
                        "blobs_renewed": "\(collected.renewed)",
                    ]
                )
            }
        } catch {
            // Shutting down cancels the sweep mid-query; that is not a failure worth a warning.
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            logger.warning("pending-version sweep failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}

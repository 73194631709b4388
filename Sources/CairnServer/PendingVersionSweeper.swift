import CairnCore
import Logging
import ServiceLifecycle

/// Periodically expires versions left `PENDING` too long and removes abandoned upload sessions.
struct PendingVersionSweeper: Service {
    let service: RegistryService
    let pendingTimeoutSeconds: Double
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
            let expired = try await service.expireStalePendingVersions(olderThanSeconds: pendingTimeoutSeconds)
            let removed = try await service.blobs.removeAbandonedUploads(olderThanSeconds: pendingTimeoutSeconds)
            if expired > 0 || removed > 0 {
                logger.info(
                    "expired stale pending versions",
                    metadata: ["versions": "\(expired)", "uploads": "\(removed)"]
                )
            }
        } catch {
            // Shutting down cancels the sweep mid-query; that is not a failure worth a warning.
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            logger.warning("pending-version sweep failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}

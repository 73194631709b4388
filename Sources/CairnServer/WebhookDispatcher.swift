import CairnCore
import Logging
import ServiceLifecycle

/// Runs the webhook outbox (``DeliveryService/runDispatcher(changes:idle:onError:)``) until a graceful shutdown:
/// woken by every commit, it schedules new events for each webhook and sends what is due.
struct WebhookDispatcher: Service {
    let service: RegistryService
    let changes: any ChangeSignal
    let logger: Logger

    func run() async throws {
        let logger = logger
        try? await cancelWhenGracefulShutdown {
            await service.delivery.runDispatcher(changes: changes) { error in
                if Task.isCancelled { return }
                logger.warning("webhook dispatch failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}

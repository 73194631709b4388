import CairnAPI
import CairnCore
import Hummingbird

/// The MLflow-compatible API (`/api/2.0/mlflow`, `/api/2.0/mlflow-artifacts`, `/api/3.0/mlflow`): MLflow's wire
/// format, Cairn's rules. Every handler calls `RegistryService`; no business logic lives here.
public struct MLflowAPI: Sendable {
    public let service: RegistryService

    public init(service: RegistryService) {
        self.service = service
    }

    /// Adds every MLflow route to `router`.
    public func register(on router: Router<CairnRequestContext>) {}
}

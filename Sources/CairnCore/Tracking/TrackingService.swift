import Foundation

/// MLflow tracking: experiments, runs with their params, metrics and tags, logged models and run artifacts.
///
/// Its port reads and writes tracking rows, blob references and events, and nothing of the catalog.
public struct TrackingService: RegistryArea {
    public typealias Reader = any TrackingReader & BlobLedgerReader
    public typealias Transaction = any TrackingTransaction & BlobLedgerWriter & EventLogWriter

    let core: ServiceCore
    let store: StorePort<Reader, Transaction>

    init(core: ServiceCore) {
        self.core = core
        self.store = core.port(reader: { $0 }, transaction: { $0 })
    }
}

import Foundation

/// The catalog: registered models, their numbered immutable versions and files, aliases, search and resolve.
///
/// Its port reads policies (a guarded model refuses anonymous uploads) and tracking runs and logged models (a version
/// registered from a run copies its lineage and files), and writes only catalog rows, blob releases and events.
public struct CatalogService: RegistryArea {
    public typealias Reader = any CatalogReader & GovernanceReader & TrackingReader & BlobLedgerReader
    public typealias Transaction = any CatalogTransaction & GovernanceReader & TrackingReader & BlobLedgerWriter
        & EventLogWriter

    let core: ServiceCore
    let store: StorePort<Reader, Transaction>
    /// Reads MLflow `MLmodel` files for the signature of versions registered from them.
    let mlmodels: any MLmodelParser

    init(core: ServiceCore, mlmodels: any MLmodelParser) {
        self.core = core
        self.store = core.port(reader: { $0 }, transaction: { $0 })
        self.mlmodels = mlmodels
    }
}

import Foundation

/// The promotion workflow and its record: stage transitions and their requests, approvals and gates, policies,
/// model cards, rollback, stage history, provenance and the audit log.
///
/// Its port writes governance rows and the version rows a transition moves (stage, aliases), reads the run metrics
/// gates compare, and reads the whole event log.
public struct GovernanceService: RegistryArea {
    public typealias Reader = any GovernanceReader & CatalogReader & TrackingReader & EventLogReader
    public typealias Transaction = any GovernanceTransaction & CatalogTransaction & TrackingReader & EventLogWriter

    let core: ServiceCore
    let store: StorePort<Reader, Transaction>
    /// What governance builds on: resolving the version a URI names.
    let catalog: CatalogService

    init(core: ServiceCore, catalog: CatalogService) {
        self.core = core
        self.store = core.port(reader: { $0 }, transaction: { $0 })
        self.catalog = catalog
    }
}

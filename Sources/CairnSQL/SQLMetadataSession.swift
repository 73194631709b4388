import CairnCore

/// ``MetadataTransaction`` (and so ``MetadataReader``) over one ``SQLExecutor``: the shared SQL of every backend.
///
/// Deletes are idempotent (deleting what does not exist changes nothing). Updates of a row that does not exist throw
/// `.notFound`. A session is valid only for the transaction it was made for.
public struct SQLMetadataSession: MetadataTransaction {
    let store: SQLMetadataStore
    let executor: any SQLExecutor

    var json: JSONCodec { store.json }

    /// Runs one statement; see ``SQLMetadataStore/run(_:_:_:onUnique:onMissingParent:)``.
    func run(
        _ sql: String,
        _ binds: [SQLValue] = [],
        onUnique: @autoclosure () -> RegistryError? = nil,
        onMissingParent: @autoclosure () -> RegistryError? = nil
    ) async throws -> [SQLRow] {
        try await store.run(
            executor,
            sql,
            binds,
            onUnique: onUnique(),
            onMissingParent: onMissingParent()
        )
    }

    /// `?, ?, ?` for `count` binds.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

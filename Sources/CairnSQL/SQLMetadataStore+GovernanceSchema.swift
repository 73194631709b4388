extension SQLMetadataStore {
    /// Migration 4: governance: policies, transition requests, model cards, and `events.model_id`.
    ///
    ///     events               + model_id (NULL for events about no model)
    ///                          index (model_id, sequence): a model's history; (actor, sequence): who did what
    ///     policies             scope PK (the model's id, or '*' for the registry-wide default: model ids are hex,
    ///                          so '*' cannot clash), document (Policy.document.canonicalJSON), updated_at, updated_by
    ///                          no foreign key: the default belongs to no model
    ///     transition_requests  id PK, model_id → models, version_id (no foreign key: a request outlives its
    ///                          version as evidence), target (TransitionTarget.key), state, created_at, document
    ///                          (the Codable TransitionRequest; target, state and created_at mirror it)
    ///                          index (model_id, state, created_at): a model's queue; (state, created_at): all
    ///     model_cards          version_id PK → model_versions, document (ModelCard.document.canonicalJSON),
    ///                          revision, updated_at, updated_by
    static let governanceMigration = SQLMigration(
        version: 4,
        name: "governance: policies, transition requests, model cards; events.model_id"
    ) { dialect in
        let int64 = dialect.int64Type
        let key = dialect.binaryTextType
        return [
            "ALTER TABLE events ADD COLUMN model_id TEXT",
            "CREATE INDEX events_model ON events (model_id, sequence)",
            "CREATE INDEX events_actor ON events (actor, sequence)",
            """
            CREATE TABLE policies (
                scope TEXT PRIMARY KEY,
                document TEXT NOT NULL,
                updated_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE transition_requests (
                id \(key) PRIMARY KEY,
                model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
                version_id TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX transition_requests_model ON transition_requests (model_id, state, created_at)",
            "CREATE INDEX transition_requests_state ON transition_requests (state, created_at)",
            """
            CREATE TABLE model_cards (
                version_id TEXT PRIMARY KEY REFERENCES model_versions (id) ON DELETE CASCADE,
                document TEXT NOT NULL,
                revision \(int64) NOT NULL,
                updated_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL
            )
            """,
        ]
    }
}

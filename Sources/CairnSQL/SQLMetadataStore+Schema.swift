extension SQLMetadataStore {
    /// The schema of the metadata database, one migration per change. Never edit a released step; append a new one.
    ///
    /// Tables (timestamps are integer milliseconds since 1970; JSON columns hold the domain's Codable forms):
    ///
    ///     models          id PK, name UNIQUE, description, created/updated by/at, version_counter
    ///     model_tags      (model_id → models, key) PK, value            index (key, value): tag filters
    ///     model_versions  id PK, model_id → models, number, status, status_message, stage, description,
    ///                     tags_json, lineage_json, manifest_json (NULL until READY), created/updated by/at
    ///                     UNIQUE (model_id, number)                     also serves `ORDER BY number DESC`
    ///                     index (model_id, stage, number): resolve by stage; (status, created_at): stale pending
    ///     version_files   (version_id → model_versions, path) PK, digest, size, media_type
    ///                     index digest: references(to:)
    ///     model_aliases   (model_id → models, alias) PK, version (a number, not a row reference)
    ///     events          sequence PK, time, actor, action, subject, payload, prev_hash, hash
    ///                     no foreign keys: events outlive what they describe
    ///
    /// Migration 2 adds the tracking tables and `model_versions.run_id` (see ``trackingMigration``); migration 3 the
    /// identity tables (see ``identityMigration``); migration 4 the governance tables and `events.model_id` (see
    /// ``governanceMigration``); migration 5 `model_versions.sealed_run_metrics_json` (see ``sealedEvidenceMigration``);
    /// migration 6 the metrics' dataset (see ``metricDatasetMigration``); migration 7 the runs' model inputs (see
    /// ``modelInputsMigration``); migration 8 the blob releases garbage collection works from (see
    /// ``blobReleasesMigration``); migration 9 webhooks and their outbox (see ``deliveryMigration``).
    ///
    /// Foreign keys cascade as a safety net only; the store deletes children explicitly.
    public static let migrations: [SQLMigration] = [
        migration1, trackingMigration, identityMigration, governanceMigration, sealedEvidenceMigration,
        metricDatasetMigration, modelInputsMigration, blobReleasesMigration, deliveryMigration,
    ]

    /// Migration 8: blobs that lost a reference (an expired version's files, a replaced or deleted artifact), for
    /// garbage collection to consider once the grace period has passed (decision 0016).
    ///
    ///     blob_releases  digest PK, released_at                        index released_at: the oldest first
    static let blobReleasesMigration = SQLMigration(version: 8, name: "blob_releases") { dialect in
        [
            """
            CREATE TABLE blob_releases (
                digest \(dialect.binaryTextType) PRIMARY KEY,
                released_at \(dialect.int64Type) NOT NULL
            )
            """,
            "CREATE INDEX blob_releases_time ON blob_releases (released_at, digest)",
        ]
    }

    /// Migration 7: the logged models a run used as inputs (``Run/modelInputs``).
    ///
    ///     run_model_inputs  (run_id → runs, position) PK, model_id     UNIQUE (run_id, model_id)
    static let modelInputsMigration = SQLMigration(version: 7, name: "run_model_inputs") { dialect in
        [
            """
            CREATE TABLE run_model_inputs (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                position \(dialect.int64Type) NOT NULL,
                model_id \(dialect.binaryTextType) NOT NULL,
                PRIMARY KEY (run_id, position),
                UNIQUE (run_id, model_id)
            )
            """
        ]
    }

    /// Migration 6: the dataset a metric point was computed on (``MetricPoint/datasetName``, `datasetDigest`; NULL for
    /// points without one and for every point logged before this migration).
    ///
    ///     run_metrics         + dataset_name, dataset_digest
    ///     run_latest_metrics  + dataset_name, dataset_digest
    static let metricDatasetMigration = SQLMigration(version: 6, name: "run_metrics.dataset_name, dataset_digest") {
        _ in
        [
            "ALTER TABLE run_metrics ADD COLUMN dataset_name TEXT",
            "ALTER TABLE run_metrics ADD COLUMN dataset_digest TEXT",
            "ALTER TABLE run_latest_metrics ADD COLUMN dataset_name TEXT",
            "ALTER TABLE run_latest_metrics ADD COLUMN dataset_digest TEXT",
        ]
    }

    /// Migration 5: the run metrics a version sealed (``VersionLineage/runMetrics``), outside `lineage_json` so
    /// that the large, immutable lineage document is never rewritten by a stage or tag change.
    ///
    ///     model_versions  + sealed_run_metrics_json (NULL: no run, or sealed before this migration)
    static let sealedEvidenceMigration = SQLMigration(version: 5, name: "model_versions.sealed_run_metrics_json") {
        _ in ["ALTER TABLE model_versions ADD COLUMN sealed_run_metrics_json TEXT"]
    }

    static let migration1 = SQLMigration(version: 1, name: "models, versions, files, aliases, events") { dialect in
        let int64 = dialect.int64Type
        let key = dialect.binaryTextType
        return [
            """
            CREATE TABLE models (
                id TEXT PRIMARY KEY,
                name \(key) NOT NULL UNIQUE,
                description TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(int64) NOT NULL,
                version_counter \(int64) NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE model_tags (
                model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
                key \(key) NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, key)
            )
            """,
            "CREATE INDEX model_tags_key_value ON model_tags (key, value)",
            """
            CREATE TABLE model_versions (
                id TEXT PRIMARY KEY,
                model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
                number \(int64) NOT NULL,
                status TEXT NOT NULL,
                status_message TEXT NOT NULL,
                stage TEXT NOT NULL,
                description TEXT NOT NULL,
                tags_json TEXT NOT NULL,
                lineage_json TEXT NOT NULL,
                manifest_json TEXT,
                created_by TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(int64) NOT NULL,
                UNIQUE (model_id, number)
            )
            """,
            "CREATE INDEX model_versions_stage ON model_versions (model_id, stage, number)",
            "CREATE INDEX model_versions_status_created ON model_versions (status, created_at)",
            """
            CREATE TABLE version_files (
                version_id TEXT NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
                path \(key) NOT NULL,
                digest TEXT NOT NULL,
                size \(int64) NOT NULL,
                media_type TEXT NOT NULL,
                PRIMARY KEY (version_id, path)
            )
            """,
            "CREATE INDEX version_files_digest ON version_files (digest)",
            """
            CREATE TABLE model_aliases (
                model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
                alias \(key) NOT NULL,
                version \(int64) NOT NULL,
                PRIMARY KEY (model_id, alias)
            )
            """,
            """
            CREATE TABLE events (
                sequence \(int64) PRIMARY KEY,
                time \(int64) NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                payload TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
        ]
    }
}

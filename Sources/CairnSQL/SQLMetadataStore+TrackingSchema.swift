extension SQLMetadataStore {
    /// Migration 2: tracking storage for lineage (issue 3), and `model_versions.run_id`.
    ///
    ///     experiment_counter  singleton PK (= 1), last_id: the last id allocateExperimentID handed out
    ///     experiments         id PK (decimal text; "0" = Default), name UNIQUE, artifact_location, lifecycle_stage,
    ///                         created/updated at
    ///     experiment_tags     (experiment_id → experiments, key) PK, value
    ///     runs                id PK, experiment_id → experiments, name, user_id, status, start_time, end_time
    ///                         (NULL when unknown), lifecycle_stage, artifact_uri
    ///                         index (experiment_id, lifecycle_stage): runs of experiments
    ///     run_params          (run_id → runs, key) PK, value
    ///     run_tags            (run_id → runs, key) PK, value
    ///     run_metrics         (run_id → runs, seq) PK, key, value, is_nan, timestamp, step, model_id (NULL unless
    ///                         logged against a logged model). seq counts per run in logging order.
    ///                         index (run_id, key, step, timestamp, seq): history; index model_id: model metrics
    ///     run_latest_metrics  (run_id → runs, key) PK, value, is_nan, timestamp, step, model_id: the newest point
    ///                         per key (MetricPoint.isNewer), kept up to date by appendMetrics
    ///     run_inputs          (run_id → runs, position) PK, dataset_name, dataset_digest, dataset_source_type,
    ///                         dataset_source, dataset_schema, dataset_profile, tags_json (ordered [OrderedTag])
    ///                         UNIQUE (run_id, dataset_name, dataset_digest)
    ///     run_outputs         (run_id → runs, position) PK, model_id, step     UNIQUE (run_id, model_id, step)
    ///     logged_models       id PK, experiment_id → experiments, name, source_run_id (no FK), status, model_type,
    ///                         artifact_location, lifecycle_stage, created/updated at
    ///                         index (experiment_id, lifecycle_stage, created_at)
    ///     logged_model_params (model_id → logged_models, key) PK, value
    ///     logged_model_tags   (model_id → logged_models, key) PK, value
    ///     artifacts           path PK (code-point order), digest, size, updated_at    index digest: references(to:)
    ///     model_versions      + run_id (lineage.runID, backfilled)                  index run_id
    ///
    /// Metric values: NaN is stored as `value = 0, is_nan = 1` because SQLite turns NaN into NULL; ±infinity is stored
    /// as is (both backends keep it in a double column).
    static let trackingMigration = SQLMigration(
        version: 2,
        name: "tracking: experiments, runs, metrics, logged models, artifacts; model_versions.run_id"
    ) { dialect in
        let int64 = dialect.int64Type
        let key = dialect.binaryTextType
        let double = dialect.doubleType
        func keyValues(_ table: String, owner: String, parent: String) -> String {
            """
            CREATE TABLE \(table) (
                \(owner) TEXT NOT NULL REFERENCES \(parent) (id) ON DELETE CASCADE,
                key \(key) NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (\(owner), key)
            )
            """
        }
        let metricColumns = """
            key \(key) NOT NULL,
                value \(double) NOT NULL,
                is_nan \(int64) NOT NULL,
                timestamp \(int64) NOT NULL,
                step \(int64) NOT NULL,
                model_id TEXT
            """
        return [
            """
            CREATE TABLE experiment_counter (
                singleton \(int64) PRIMARY KEY CHECK (singleton = 1),
                last_id \(int64) NOT NULL
            )
            """,
            "INSERT INTO experiment_counter (singleton, last_id) VALUES (1, 0)",
            """
            CREATE TABLE experiments (
                id TEXT PRIMARY KEY,
                name \(key) NOT NULL UNIQUE,
                artifact_location TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_at \(int64) NOT NULL
            )
            """,
            keyValues("experiment_tags", owner: "experiment_id", parent: "experiments"),
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time \(int64),
                end_time \(int64),
                lifecycle_stage TEXT NOT NULL,
                artifact_uri TEXT NOT NULL
            )
            """,
            "CREATE INDEX runs_experiment ON runs (experiment_id, lifecycle_stage)",
            keyValues("run_params", owner: "run_id", parent: "runs"),
            keyValues("run_tags", owner: "run_id", parent: "runs"),
            """
            CREATE TABLE run_metrics (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                seq \(int64) NOT NULL,
                \(metricColumns),
                PRIMARY KEY (run_id, seq)
            )
            """,
            "CREATE INDEX run_metrics_history ON run_metrics (run_id, key, step, timestamp, seq)",
            "CREATE INDEX run_metrics_model ON run_metrics (model_id)",
            """
            CREATE TABLE run_latest_metrics (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                \(metricColumns),
                PRIMARY KEY (run_id, key)
            )
            """,
            """
            CREATE TABLE run_inputs (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                position \(int64) NOT NULL,
                dataset_name \(key) NOT NULL,
                dataset_digest \(key) NOT NULL,
                dataset_source_type TEXT NOT NULL,
                dataset_source TEXT NOT NULL,
                dataset_schema TEXT,
                dataset_profile TEXT,
                tags_json TEXT NOT NULL,
                PRIMARY KEY (run_id, position),
                UNIQUE (run_id, dataset_name, dataset_digest)
            )
            """,
            """
            CREATE TABLE run_outputs (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                position \(int64) NOT NULL,
                model_id \(key) NOT NULL,
                step \(int64) NOT NULL,
                PRIMARY KEY (run_id, position),
                UNIQUE (run_id, model_id, step)
            )
            """,
            """
            CREATE TABLE logged_models (
                id TEXT PRIMARY KEY,
                experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                source_run_id TEXT,
                status TEXT NOT NULL,
                model_type TEXT NOT NULL,
                artifact_location TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_at \(int64) NOT NULL
            )
            """,
            "CREATE INDEX logged_models_experiment ON logged_models (experiment_id, lifecycle_stage, created_at)",
            keyValues("logged_model_params", owner: "model_id", parent: "logged_models"),
            keyValues("logged_model_tags", owner: "model_id", parent: "logged_models"),
            """
            CREATE TABLE artifacts (
                path \(key) PRIMARY KEY,
                digest TEXT NOT NULL,
                size \(int64) NOT NULL,
                updated_at \(int64) NOT NULL
            )
            """,
            "CREATE INDEX artifacts_digest ON artifacts (digest)",
            "ALTER TABLE model_versions ADD COLUMN run_id TEXT",
            "UPDATE model_versions SET run_id = \(dialect.jsonText(column: "lineage_json", key: "runID"))",
            "CREATE INDEX model_versions_run ON model_versions (run_id)",
        ]
    }
}

import CairnCore
import CairnSQL
import CairnTesting
import Foundation
import Testing

@testable import CairnSQLite

@Suite("SQLiteMetadataStore schema upgrades")
struct SQLiteMigrationTests {
    @Test("migration 2 backfills model_versions.run_id from the lineage of versions written under schema 1")
    func runIDBackfill() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            let withRun = String(decoding: try JSONEncoder().encode(VersionLineage(runID: "r-1")), as: UTF8.self)
            let without = String(decoding: try JSONEncoder().encode(VersionLineage()), as: UTF8.self)
            try await withStore(path: path, migratingUpTo: 1) { old in
                #expect(try await old.appliedMigrations() == [1])
                let model = RegisteredModel(
                    id: "m1",
                    name: "fraud",
                    createdBy: "alice",
                    createdAt: ManualClock.defaultStart,
                    updatedAt: ManualClock.defaultStart,
                    updatedBy: "alice"
                )
                try await old.write { try await $0.insertModel(model) }
                // Schema 1 has no run_id column, so the rows are written the way release 1 wrote them.
                try await old.writer.withConnection { connection in
                    for (number, lineage) in [(1, withRun), (2, without)] {
                        _ = try await SQLiteExecutor(connection: connection).query(
                            """
                            INSERT INTO model_versions (id, model_id, number, status, status_message, stage,
                                description, tags_json, lineage_json, manifest_json, created_by, created_at,
                                updated_by, updated_at)
                            VALUES (?, 'm1', ?, 'PENDING', '', 'None', '', '{}', ?, NULL, 'alice', 0, 'alice', 0)
                            """,
                            [.text("v\(number)"), .integer(Int64(number)), .text(lineage)]
                        )
                    }
                }
            }
            try await withStore(path: path, migratingUpTo: .max) { upgraded in
                #expect(upgraded.migrationsAppliedAtOpen == Array(2...Self.latest))
                let (byRun, all) = try await upgraded.read { reader in
                    (
                        try await reader.versions(modelID: nil, runID: "r-1", limit: 10).map(\.id),
                        try await reader.versions(modelID: "m1", runID: nil, limit: 10).map(\.id)
                    )
                }
                #expect(byRun == ["v1"])
                #expect(all == ["v2", "v1"])
                #expect(try await upgraded.read { try await $0.version(id: "v1") }?.lineage.runID == "r-1")
            }
        }
    }

    @Test("migration 4 keeps the events written under schema 3, without a model id, and their chain intact")
    func eventsSurviveGovernanceMigration() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            let first = EventChain.next(
                after: nil,
                time: ManualClock.defaultStart,
                actor: "alice",
                action: "model.created",
                subject: "model/fraud",
                payload: "{}"
            )
            try await withStore(path: path, migratingUpTo: 3) { old in
                // Schema 3 has no model_id column, so the row is written the way release 3 wrote it.
                try await old.writer.withConnection { connection in
                    _ = try await SQLiteExecutor(connection: connection).query(
                        """
                        INSERT INTO events (sequence, time, actor, action, subject, payload, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .integer(first.sequence), .integer(SQLTime.millis(first.time)), .text(first.actor),
                            .text(first.action), .text(first.subject), .text(first.payload), .text(first.prevHash),
                            .text(first.hash),
                        ]
                    )
                }
            }
            try await withStore(path: path, migratingUpTo: .max) { upgraded in
                #expect(upgraded.migrationsAppliedAtOpen == Array(4...Self.latest))
                #expect(try await upgraded.read { try await $0.events(afterSequence: 0, limit: 10) } == [first])
                let second = EventChain.next(
                    after: first,
                    time: ManualClock.defaultStart.addingTimeInterval(1),
                    actor: "alice",
                    action: "model.renamed",
                    subject: "model/fraud-v2",
                    payload: "{}",
                    modelID: "m1"
                )
                try await upgraded.write { try await $0.appendEvent(second) }
                let all = try await upgraded.read { try await $0.events(afterSequence: 0, limit: 10) }
                #expect(all == [first, second])
                #expect(EventChain.verify(all) == nil)
                let byModel = try await upgraded.read {
                    try await $0.events(matching: EventQuery(modelID: "m1"), afterSequence: 0, limit: 10)
                }
                #expect(byModel == [second])
            }
        }
    }

    @Test("migration 6 keeps metrics written under schema 5, without a dataset, and takes datasets after")
    func metricDatasets() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            try await withStore(path: path, migratingUpTo: 5) { old in
                // Schema 5 has no dataset columns, so the rows are written the way release 5 wrote them.
                try await old.writer.withConnection { connection in
                    for statement in [
                        "INSERT INTO experiments VALUES ('1', 'e', 'mlflow-artifacts:/1', 'active', 0, 0)",
                        "INSERT INTO runs VALUES ('r1', '1', 'run', 'alice', 'RUNNING', 0, NULL, 'active', 'x')",
                        "INSERT INTO run_metrics VALUES ('r1', 1, 'acc', 0.5, 0, 7, 0, NULL)",
                        "INSERT INTO run_latest_metrics VALUES ('r1', 'acc', 0.5, 0, 7, 0, NULL)",
                    ] {
                        _ = try await SQLiteExecutor(connection: connection).query(statement, [])
                    }
                }
            }
            try await withStore(path: path, migratingUpTo: .max) { upgraded in
                #expect(upgraded.migrationsAppliedAtOpen == Array(6...Self.latest))
                let before = MetricPoint(key: "acc", value: 0.5, timestamp: 7, runID: "r1")
                #expect(
                    try await upgraded.read { try await $0.metricHistory(runID: "r1", key: "acc", limit: 9) } == [
                        before
                    ]
                )
                let after = MetricPoint(
                    key: "acc",
                    value: 0.7,
                    timestamp: 8,
                    runID: "r1",
                    datasetName: "eval",
                    datasetDigest: "d1"
                )
                try await upgraded.write { try await $0.appendMetrics(runID: "r1", points: [after]) }
                #expect(
                    try await upgraded.read { try await $0.metricHistory(runID: "r1", key: "acc", limit: 9) }
                        == [before, after]
                )
                #expect(try await upgraded.read { try await $0.run(id: "r1") }?.metrics["acc"] == after)
            }
        }
    }

    @Test("event queries by model or actor, and request listings by model or state, use indexes")
    func governanceQueriesUseIndexes() async throws {
        try await withTemporaryStore { store, _ throws in
            let plans = try await store.readers.withConnection { connection in
                var plans: [String] = []
                for statement in [
                    "SELECT sequence FROM events WHERE sequence > 0 AND model_id = 'm' ORDER BY sequence LIMIT 9",
                    "SELECT sequence FROM events WHERE sequence > 0 AND actor = 'a' ORDER BY sequence LIMIT 9",
                    """
                    SELECT r.id FROM transition_requests r JOIN models m ON m.id = r.model_id
                    WHERE r.model_id = 'm' AND r.state = 'pending' ORDER BY r.created_at DESC, r.id DESC LIMIT 9
                    """,
                    """
                    SELECT r.id FROM transition_requests r JOIN models m ON m.id = r.model_id
                    WHERE r.state = 'pending' AND r.created_at < 5 ORDER BY r.created_at DESC, r.id DESC LIMIT 9
                    """,
                    "SELECT document FROM model_cards WHERE version_id = 'v'",
                    "SELECT document FROM policies WHERE scope = '*'",
                ] {
                    let rows = try await SQLiteExecutor(connection: connection).query(
                        "EXPLAIN QUERY PLAN " + statement,
                        []
                    )
                    plans.append(rows.map { if case .text(let detail) = $0["detail"] { detail } else { "" } }.joined())
                }
                return plans
            }
            for plan in plans { #expect(!plan.contains("SCAN"), "a full scan in: \(plan)") }
        }
    }

    /// The newest schema version: an upgrade applies every migration from the old version's next one up to it.
    static let latest = SQLMetadataStore.migrations.map(\.version).max()!

    /// Opens the store at `path` with migrations up to `version`, runs `body`, and closes the store even on errors.
    private func withStore(
        path: String,
        migratingUpTo version: Int,
        _ body: (SQLiteMetadataStore) async throws -> Void
    ) async throws {
        let store = try await SQLiteMetadataStore.open(path: path, migratingUpTo: version)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test("lineage queries by run use the run_id index, and artifact prefixes the path index")
    func trackingQueriesUseIndexes() async throws {
        try await withTemporaryStore { store, _ throws in
            let plans = try await store.readers.withConnection { connection in
                var plans: [String] = []
                for statement in [
                    "SELECT id FROM model_versions WHERE run_id = 'r'",
                    "SELECT path FROM artifacts WHERE path = 'a' OR (path >= 'a/' AND path < 'a0') ORDER BY path",
                    "SELECT COUNT(*) FROM artifacts WHERE digest = 'd'",
                ] {
                    let rows = try await SQLiteExecutor(connection: connection).query(
                        "EXPLAIN QUERY PLAN " + statement,
                        []
                    )
                    plans.append(rows.map { if case .text(let detail) = $0["detail"] { detail } else { "" } }.joined())
                }
                return plans
            }
            for plan in plans { #expect(!plan.contains("SCAN"), "a full scan in: \(plan)") }
        }
    }
}

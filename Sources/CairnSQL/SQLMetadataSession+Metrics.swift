import CairnCore

extension SQLMetadataSession {
    // MARK: Metrics

    public func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [MetricPoint] {
        guard limit > 0 else { return [] }
        return try await run(
            """
            SELECT run_id, \(TrackingRows.metricColumns) FROM run_metrics WHERE run_id = ? AND key = ?
            ORDER BY step, timestamp, seq LIMIT ? OFFSET ?
            """,
            [.text(runID), .text(key), .int(limit), .int(max(offset, 0))]
        ).map(TrackingRows.metric)
    }

    /// Appends the points to `run_metrics` (numbered after the run's last point) and moves `run_latest_metrics` to
    /// every point newer than the stored latest of its key (``MetricPoint/isNewer(than:)``).
    /// Drops the points already in the run's history (same key, value, timestamp and step); an existing point without
    /// a model id takes the new point's model id and dataset. One indexed lookup per point.
    func pointsNotLoggedYet(runID: String, _ points: [MetricPoint]) async throws -> [MetricPoint] {
        var fresh: [MetricPoint] = []
        for point in points {
            let binds = TrackingRows.metricBinds(point)
            let existing = try await run(
                """
                SELECT seq, model_id FROM run_metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ?
                AND value = ? AND is_nan = ? LIMIT 1
                """,
                [.text(runID), binds[0], .integer(point.step), .integer(point.timestamp), binds[1], binds[2]]
            )
            guard let row = existing.first else {
                fresh.append(point)
                continue
            }
            if try row.optionalText("model_id") == nil, let modelID = point.modelID {
                _ = try await run(
                    "UPDATE run_metrics SET model_id = ?, dataset_name = ?, dataset_digest = ? WHERE run_id = ? AND seq = ?",
                    [
                        .text(modelID), .text(point.datasetName), .text(point.datasetDigest), .text(runID),
                        .integer(try row.int64("seq")),
                    ]
                )
                // The run's latest point of the key may be this very point.
                _ = try await run(
                    """
                    UPDATE run_latest_metrics SET model_id = ?, dataset_name = ?, dataset_digest = ?
                    WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ? AND value = ? AND is_nan = ?
                    AND model_id IS NULL
                    """,
                    [
                        .text(modelID), .text(point.datasetName), .text(point.datasetDigest), .text(runID), binds[0],
                        .integer(point.step), .integer(point.timestamp), binds[1], binds[2],
                    ]
                )
            }
        }
        return fresh
    }

    public func appendMetrics(runID: String, points: [MetricPoint]) async throws {
        try await requireRun(runID)
        var points = points
        var seen: [[SQLValue]] = []
        points.removeAll { point in
            let identity = TrackingRows.metricBinds(point).prefix(5).map { $0 }
            defer { seen.append(identity) }
            return seen.contains(identity)
        }
        points = try await pointsNotLoggedYet(runID: runID, points)
        guard !points.isEmpty else { return }
        // Write transactions run one at a time, so the next number cannot be taken concurrently.
        let last = try await run("SELECT COALESCE(MAX(seq), 0) AS n FROM run_metrics WHERE run_id = ?", [.text(runID)])
        var seq = try last.first?.int64("n") ?? 0
        for start in stride(from: 0, to: points.count, by: 100) {
            let batch = points[start..<min(start + 100, points.count)]
            var binds: [SQLValue] = []
            for point in batch {
                seq += 1
                binds += [.text(runID), .integer(seq)] + TrackingRows.metricBinds(point)
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: batch.count).joined(separator: ", ")
            _ = try await run(
                "INSERT INTO run_metrics (run_id, seq, \(TrackingRows.metricColumns)) VALUES \(rows)",
                binds,
                onMissingParent: Self.runIDNotFound(runID)
            )
        }
        var latest = try await latestMetrics(runID: runID, keys: Set(points.map(\.key)))
        var changed: Set<String> = []
        for point in points where latest[point.key].map({ point.isNewer(than: $0) }) ?? true {
            latest[point.key] = point
            changed.insert(point.key)
        }
        for key in changed.sorted() {
            guard let point = latest[key] else { continue }
            _ = try await run(
                """
                INSERT INTO run_latest_metrics (run_id, \(TrackingRows.metricColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
                    timestamp = excluded.timestamp, step = excluded.step, model_id = excluded.model_id,
                    dataset_name = excluded.dataset_name, dataset_digest = excluded.dataset_digest
                """,
                [.text(runID)] + TrackingRows.metricBinds(point)
            )
        }
    }

    /// The stored latest point of each of `keys` of a run.
    private func latestMetrics(runID: String, keys: Set<String>) async throws -> [String: MetricPoint] {
        var latest: [String: MetricPoint] = [:]
        let sorted = keys.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let batch = sorted[start..<min(start + 500, sorted.count)]
            let rows = try await run(
                """
                SELECT run_id, \(TrackingRows.metricColumns) FROM run_latest_metrics
                WHERE run_id = ? AND key IN (\(Self.placeholders(batch.count)))
                """,
                [.text(runID)] + batch.map { .text($0) }
            )
            for row in rows {
                let point = try TrackingRows.metric(row)
                latest[point.key] = point
            }
        }
        return latest
    }

    // MARK: Inputs and outputs

    public func addRunInputs(runID: String, inputs: [RunInput]) async throws {
        try await requireRun(runID)
        var position = try await lastPosition("run_inputs", runID: runID)
        for input in inputs {
            position += 1
            let dataset = input.dataset
            _ = try await run(
                """
                INSERT INTO run_inputs (run_id, position, dataset_name, dataset_digest, dataset_source_type,
                    dataset_source, dataset_schema, dataset_profile, tags_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, dataset_name, dataset_digest) DO NOTHING
                """,
                [
                    .text(runID), .integer(position), .text(dataset.name), .text(dataset.digest),
                    .text(dataset.sourceType), .text(dataset.source), .text(dataset.schema), .text(dataset.profile),
                    .text(try json.encode(input.tags)),
                ]
            )
        }
    }

    public func addRunOutputs(runID: String, outputs: [RunOutput]) async throws {
        try await appendPositioned(
            "run_outputs",
            runID: runID,
            columns: ["model_id", "step"],
            rows: outputs.map { [.text($0.modelID), .integer($0.step)] }
        )
    }

    public func addRunModelInputs(runID: String, modelIDs: [String]) async throws {
        try await appendPositioned(
            "run_model_inputs",
            runID: runID,
            columns: ["model_id"],
            rows: modelIDs.map { [.text($0)] }
        )
    }

    /// Appends `rows` to a run's positioned child table after its last position; a row equal to an existing one in
    /// `columns` (the table's unique key with `run_id`) is skipped. `table` and `columns` are literals of this file.
    private func appendPositioned(_ table: String, runID: String, columns: [String], rows: [[SQLValue]])
        async throws
    {
        try await requireRun(runID)
        var position = try await lastPosition(table, runID: runID)
        let names = columns.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
        for row in rows {
            position += 1
            _ = try await run(
                """
                INSERT INTO \(table) (run_id, position, \(names)) VALUES (\(marks))
                ON CONFLICT (run_id, \(names)) DO NOTHING
                """,
                [.text(runID), .integer(position)] + row
            )
        }
    }

    /// The highest `position` of a run in `table` (0 when it has no rows); positions only order rows, so gaps left
    /// by skipped duplicates are harmless.
    private func lastPosition(_ table: String, runID: String) async throws -> Int64 {
        try await run("SELECT COALESCE(MAX(position), 0) AS n FROM \(table) WHERE run_id = ?", [.text(runID)])
            .first?.int64("n") ?? 0
    }
}

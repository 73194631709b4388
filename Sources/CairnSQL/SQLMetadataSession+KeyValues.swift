import CairnCore

/// What a key/value insert does when the key already exists.
enum KeyValueConflict {
    /// Fail with a unique violation (the caller replaced the whole set first).
    case fail
    /// Keep the stored value (run params: the first value wins).
    case keep
    /// Replace the stored value (tags).
    case replace
}

/// The key/value child tables (`experiment_tags`, `run_params`, `run_tags`, `logged_model_params`,
/// `logged_model_tags`): `(<owner>, key) PRIMARY KEY, value`.
extension SQLMetadataSession {
    /// The pairs of `table`, grouped by owner id, for the owners selected by `ownerCondition` (an SQL condition on
    /// the owner column, with `?` placeholders for `binds`). Owners without pairs are absent.
    func keyValues(
        _ table: String,
        owner: String,
        where ownerCondition: String,
        _ binds: [SQLValue]
    ) async throws -> [String: [String: String]] {
        let rows = try await run("SELECT \(owner) AS owner, key, value FROM \(table) WHERE \(ownerCondition)", binds)
        var pairs: [String: [String: String]] = [:]
        for row in rows { pairs[try row.text("owner"), default: [:]][try row.text("key")] = try row.text("value") }
        return pairs
    }

    /// Inserts `pairs` for owner `id`, in batches. A missing owner throws `missingOwner`.
    func insertKeyValues(
        _ table: String,
        owner: String,
        id: String,
        _ pairs: [String: String],
        conflict: KeyValueConflict,
        missingOwner: @autoclosure () -> RegistryError
    ) async throws {
        let onConflict =
            switch conflict {
            case .fail: ""
            case .keep: " ON CONFLICT (\(owner), key) DO NOTHING"
            case .replace: " ON CONFLICT (\(owner), key) DO UPDATE SET value = excluded.value"
            }
        let sorted = pairs.sorted { $0.key < $1.key }
        // 3 binds a row; batches stay far below every backend's bind limit.
        for start in stride(from: 0, to: sorted.count, by: 300) {
            let batch = sorted[start..<min(start + 300, sorted.count)]
            var binds: [SQLValue] = []
            for (key, value) in batch { binds += [.text(id), .text(key), .text(value)] }
            let rows = Array(repeating: "(?, ?, ?)", count: batch.count).joined(separator: ", ")
            _ = try await run(
                "INSERT INTO \(table) (\(owner), key, value) VALUES \(rows)\(onConflict)",
                binds,
                onMissingParent: missingOwner()
            )
        }
    }

    /// Deletes one key of owner `id`; returns whether it existed.
    func deleteKeyValue(_ table: String, owner: String, id: String, key: String) async throws -> Bool {
        try await !run(
            "DELETE FROM \(table) WHERE \(owner) = ? AND key = ? RETURNING key",
            [.text(id), .text(key)]
        ).isEmpty
    }

    /// Whether `table` has a row with this `id`.
    func exists(_ table: String, id: String) async throws -> Bool {
        try await !run("SELECT 1 AS found FROM \(table) WHERE id = ?", [.text(id)]).isEmpty
    }

    /// `lifecycle_stage IN (…)` for `stages` on `column`, or `nil` when every stage is wanted (`stages` empty or all).
    static func stageCondition(_ column: String, _ stages: Set<LifecycleStage>) -> (String, [SQLValue])? {
        guard !stages.isEmpty, stages.count < LifecycleStage.allCases.count else { return nil }
        let sorted = stages.map(\.rawValue).sorted()
        return ("\(column) IN (\(placeholders(sorted.count)))", sorted.map { .text($0) })
    }
}

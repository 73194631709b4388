import Foundation

/// What one garbage collection did.
public struct GarbageCollectionReport: Hashable, Sendable {
    /// Blobs deleted: released before the grace period, unreferenced, and unwritten since.
    public var deleted: Int
    /// Released blobs found referenced again (kept, and forgotten as releases).
    public var referenced: Int
    /// Released blobs written again within the grace period (kept, and considered again later).
    public var renewed: Int

    public init(deleted: Int, referenced: Int, renewed: Int) {
        self.deleted = deleted
        self.referenced = referenced
        self.renewed = renewed
    }
}

extension CatalogService {
    /// Deletes the released blobs that nothing references and that nothing wrote during the last `graceSeconds`.
    ///
    /// Blobs are released in the transaction that drops a reference to them (an expired version, a replaced or
    /// deleted artifact), so nothing is deleted before that transaction commits, and deletion runs outside every
    /// metadata transaction. The grace period protects an upload that adopted a stored blob (storing identical bytes
    /// renews it) until the transaction recording its reference commits; a renewed blob is kept and considered again
    /// on a later run. A background job: takes no actor.
    /// - Throws: store errors; a blob that cannot be deleted stays released for the next run.
    public func collectGarbage(graceSeconds: Double, batchSize: Int = 500) async throws -> GarbageCollectionReport {
        let permit = core.admitUnguarded(.collectGarbage)
        let cutoff = clock.now().addingTimeInterval(-graceSeconds)
        var report = GarbageCollectionReport(deleted: 0, referenced: 0, renewed: 0)
        while true {
            let released = try await store.read(permit) { try await $0.releasedBlobs(before: cutoff, limit: batchSize) }
            guard !released.isEmpty else { break }
            var settled: [Digest] = []
            var renewed: Set<Digest> = []
            for digest in released {
                if try await store.read(permit, { try await $0.references(to: digest) }) > 0 {
                    report.referenced += 1
                    settled.append(digest)
                } else if try await blobs.delete(digest, ifUnwrittenSince: cutoff) {
                    report.deleted += 1
                    settled.append(digest)
                } else if try await blobs.size(of: digest) == nil {
                    settled.append(digest)
                } else {
                    report.renewed += 1
                    renewed.insert(digest)
                }
            }
            let now = clock.now()
            try await store.write(permit) { [settled, renewed] tx in
                try await tx.forgetReleasedBlobs(settled, before: cutoff)
                // Considered again once a whole grace period has passed since the renewal was seen.
                try await tx.releaseBlobs(renewed, at: now)
            }
            if released.count < batchSize { break }
        }
        return report
    }
}

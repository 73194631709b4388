import Synchronization

/// Bounds how many `access.denied` events one principal can append: a refusal costs the caller nothing, so without a
/// bound any account could grow the audit log (and the chain every verification walks) by looping over a refused
/// delete. Per actor, at most ``limit`` refusals are recorded in each ``window``; the rest are counted, and the next
/// recorded refusal of that actor carries the count (`suppressed`), so the log still says how many there were.
///
/// The count lives in this process's memory: a restart or another replica starts afresh, which bounds the log growth
/// per process and window all the same.
public final class DenialLimiter: Sendable {
    public let limit: Int
    public let window: Double
    private struct Bucket {
        var start: Double
        var recorded: Int
        var suppressed: Int
    }
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(limit: Int = 20, windowSeconds: Double = 60) {
        self.limit = limit
        self.window = windowSeconds
    }

    /// Whether a refusal by `actor` at `now` (seconds) is recorded; when it is, how many were suppressed before it.
    func admit(actor: String, now: Double) -> (record: Bool, suppressed: Int) {
        buckets.withLock { buckets in
            if buckets.count > 10_000 { buckets = buckets.filter { now - $0.value.start < window } }
            var bucket = buckets[actor] ?? Bucket(start: now, recorded: 0, suppressed: 0)
            if now - bucket.start >= window {
                bucket.start = now
                bucket.recorded = 0
            }
            guard bucket.recorded < limit else {
                bucket.suppressed += 1
                buckets[actor] = bucket
                return (false, 0)
            }
            let suppressed = bucket.suppressed
            bucket.recorded += 1
            bucket.suppressed = 0
            buckets[actor] = bucket
            return (true, suppressed)
        }
    }
}

import Dispatch
import Foundation
import Synchronization

/// A task executor for CPU-heavy synchronous work (password hashing), off Swift's cooperative thread pool.
///
/// PBKDF2 runs for a large fraction of a second; on the cooperative pool (one thread per core) a few concurrent
/// logins would stall every other request. Jobs run on ``width`` serial dispatch queues, round robin, so at most
/// `width` hashes run at once whatever the load.
final class BlockingWorkExecutor: TaskExecutor {
    /// The shared executor, as wide as the machine has cores.
    static let shared = BlockingWorkExecutor(width: ProcessInfo.processInfo.activeProcessorCount)

    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)

    /// How many jobs may run at once.
    var width: Int { queues.count }

    init(width: Int) {
        queues = (0..<max(1, width)).map { DispatchQueue(label: "cairn.blocking-work.\($0)") }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        queues[index % queues.count].async { job.runSynchronously(on: executor) }
    }
}

import Foundation
import Synchronization

/// Starts child processes one at a time: swift-corelibs-foundation's `Process.run()` is not safe to call from several
/// threads at once (a test run crashed in its memcpy while parallel tests were launching servers, agents and CLIs).
/// Every test that starts a process goes through here.
public enum ProcessLauncher {
    private static let lock = Mutex(())

    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}

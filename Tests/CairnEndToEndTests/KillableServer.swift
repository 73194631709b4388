import CairnTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `cairn serve` process on a data directory the test owns, so it can be SIGKILLed and started again on the same
/// data.
///
/// The server's output goes to a file, not a pipe: a `FileHandle.readabilityHandler` installs a libdispatch read
/// source whose teardown races the descriptor's close and intermittently crashed the whole test process in
/// `_dispatch_event_loop_drain` (swiftlang/swift-corelibs-foundation#5507). A file needs no reader and cannot fill up.
final class KillableServer: Sendable {
    let process: Process
    let url: URL
    let port: Int
    private let output: TempDirectory

    private init(process: Process, url: URL, port: Int, output: TempDirectory) {
        self.process = process
        self.url = url
        self.port = port
        self.output = output
    }

    /// Starts `cairn serve --port 0 --data <data>` and waits for its start-up line (up to 60 s).
    static func start(data: URL, arguments: [String] = []) async throws -> KillableServer {
        let output = try TempDirectory()
        let logURL = output.url.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data.path] + arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try ProcessLauncher.run(process)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let text = readLog(logURL)
            if let line = ServerProcess.listeningURL(in: text), let url = URL(string: line) {
                return KillableServer(process: process, url: url, port: url.port ?? 0, output: output)
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw RawHTTPError("cairn serve did not start: \(readLog(logURL))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGKILL: no clean-up of any kind runs in the server.
    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything the server wrote to standard output and standard error so far.
    var log: String { Self.readLog(output.url.appendingPathComponent("server.log")) }

    private static func readLog(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }
}

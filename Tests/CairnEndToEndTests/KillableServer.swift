import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A `cairn serve` process on a data directory the test owns, so it can be SIGKILLed and started again on the same
/// data.
final class KillableServer: Sendable {
    let process: Process
    let url: URL
    let port: Int
    private let output: OutputBuffer

    private init(process: Process, url: URL, port: Int, output: OutputBuffer) {
        self.process = process
        self.url = url
        self.port = port
        self.output = output
    }

    /// Starts `cairn serve --port 0 --data <data>` and waits for its start-up line (up to 60 s).
    static func start(data: URL, arguments: [String] = []) async throws -> KillableServer {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let output = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
            } else {
                output.text.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
            }
        }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let text = output.text.withLock({ ServerProcess.listeningURL(in: $0) }), let url = URL(string: text) {
                return KillableServer(process: process, url: url, port: url.port ?? 0, output: output)
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw RawHTTPError("cairn serve did not start: \(output.text.withLock { $0 })")
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

    var log: String { output.text.withLock { $0 } }
}

import CairnClient
import CairnTesting
import Foundation
import Testing

/// Runs the `cairn` binary and `cairn serve` for the CLI tests.
enum CLI {
    /// `CAIRN_BIN`, else `<package root>/.build/debug/cairn`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CAIRN_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/cairn")
    }

    /// The outcome of one `cairn` invocation.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `cairn arguments…` to completion, with output captured through files (no pipe can fill up).
    /// - Parameters:
    ///   - environment: Extra variables (such as `CAIRN_TOKEN`); a `CAIRN_TOKEN` of the test's own environment is
    ///     never passed on.
    ///   - stdin: Bytes for standard input (a file, so not a terminal); empty input when `nil`.
    static func run(
        _ arguments: [String],
        server: String? = nil,
        in directory: URL? = nil,
        environment extra: [String: String] = [:],
        stdin: Data? = nil
    ) async throws -> Result {
        let scratch = try TempDirectory()
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = try #require(
            FileManager.default.isExecutableFile(atPath: binary.path) ? binary : nil,
            "build the cairn binary first (swift build --product cairn) or set CAIRN_BIN"
        )
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_SERVER"] = server ?? "http://127.0.0.1:9"
        environment["CAIRN_TOKEN"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = scratch.url.appendingPathComponent("stdin")
            try stdin.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try ProcessLauncher.run(process)
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}

/// A `cairn serve` subprocess on a free loopback port with its own data directory; ``stop()`` ends it.
final class ServerProcess: Sendable {
    let url: String
    let dataDirectory: TempDirectory
    private let server: KillableServer

    private init(server: KillableServer, dataDirectory: TempDirectory) {
        self.url = server.url.absoluteString
        self.server = server
        self.dataDirectory = dataDirectory
    }

    /// Starts the server on a new data directory and waits (up to 60 s) until `GET /healthz` answers.
    /// - Parameter arguments: Extra `cairn serve` arguments, such as `["--anonymous", "none"]`.
    static func start(arguments: [String] = []) async throws -> ServerProcess {
        let data = try TempDirectory()
        let server = ServerProcess(
            server: try await KillableServer.start(data: data.url, arguments: arguments),
            dataDirectory: data
        )
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !server.isHealthy() {
            guard server.server.process.isRunning, ContinuousClock.now < deadline else {
                server.stop()
                throw ServerError(message: "cairn serve never answered /healthz at \(server.url)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return server
    }

    /// Runs `body` with a fresh server (started with extra `arguments`), stopping it afterwards whatever happens.
    static func with<R>(arguments: [String] = [], _ body: (ServerProcess) async throws -> R) async throws -> R {
        let server = try await start(arguments: arguments)
        defer { server.stop() }
        return try await body(server)
    }

    /// Terminates the server and waits for it to exit. Safe to call twice.
    func stop() { _ = server.terminate() }

    /// The bootstrap admin's token secret, which the server writes to `<data>/admin-token` at first start.
    func adminToken() throws -> String {
        let file = dataDirectory.url.appendingPathComponent("admin-token")
        return try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything the server printed so far.
    var log: String { server.log }

    private func isHealthy() async throws -> Bool {
        do {
            try await CairnClient.withClient(baseURL: server.url) { try await $0.health() }
            return true
        } catch {
            return false
        }
    }

    /// The first `http://127.0.0.1:PORT` in the server's output, once the line holding it is complete (the output is
    /// read while the server writes it, so a port cut short by a partial read must not match).
    static func listeningURL(in text: String) -> String? {
        guard let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+[^0-9]"#, options: .regularExpression) else {
            return nil
        }
        return String(text[range].dropLast())
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A temporary directory removed when the value is released.
final class TempDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `data` at `relative` path, creating directories on the way.
    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> URL {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try data.write(to: file)
        return file
    }

    /// Every regular file under the directory (following nothing), as relative path → bytes.
    func tree() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = url.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: full)
            if attributes[.type] as? FileAttributeType == .typeRegular {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }
}

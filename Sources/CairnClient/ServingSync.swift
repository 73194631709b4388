import AsyncHTTPClient
import CairnCore
import CairnWire
import Foundation
import NIOCore
import NIOHTTP1

/// Keeps a serving host's directory on the version a model reference names (`models:/NAME/Production`,
/// `models:/NAME@champion`, `models:/NAME/latest`), switching with zero downtime (`cairn sync`).
///
/// Layout of ``Options/directory``:
///
///     versions/<N>/          a complete, verified copy of version N (with `.cairn-manifest`, its sealed digest)
///     versions/.incoming-*/  a download in progress; never served, removed at start
///     current -> versions/N  what serving reads; replaced by one rename(2), so a reader sees the old version or the
///                            new one, never a mix
///
/// A new version is downloaded into a fresh directory while the old one keeps serving; every file's size and
/// SHA-256, and the manifest's sealed digest, are verified before it is moved into place; only then does `current`
/// switch, the reload hook run and the registry hear about it (`deployment.synced`). The last ``Options/keep``
/// versions stay on disk, so following a rollback switches back without downloading. The agent follows the model's
/// events (the watch stream, resumed after any outage) and re-resolves at each one; on start, and after losing the
/// stream, it resolves first. A kill at any point leaves `current` on a complete, verified version.
public struct ServingSync: Sendable {
    public struct Options: Sendable {
        public var uri: String
        public var directory: URL
        /// Reported as the deployment's host (default: this machine's host name).
        public var host: String
        /// Versions kept on disk, the current one included (at least 1).
        public var keep: Int
        /// Run with `/bin/sh -c` after each switch, with `CAIRN_MODEL`, `CAIRN_VERSION` and `CAIRN_MODEL_DIR` set.
        public var reloadCommand: String?
        /// POSTed `{"model", "version", "path"}` after each switch (a serving framework's load API).
        public var reloadURL: URL?

        public init(
            uri: String,
            directory: URL,
            host: String = ProcessInfo.processInfo.hostName,
            keep: Int = 3,
            reloadCommand: String? = nil,
            reloadURL: URL? = nil
        ) {
            self.uri = uri
            self.directory = directory
            self.host = host
            self.keep = max(1, keep)
            self.reloadCommand = reloadCommand
            self.reloadURL = reloadURL
        }
    }

    public let client: CairnClient
    public let options: Options
    let log: @Sendable (String) -> Void
    let model: String
    let reference: String

    /// - Throws: ``CairnClientError`` (`INVALID_ARGUMENT`) when `options.uri` is not a `models:/` URI.
    public init(client: CairnClient, options: Options, log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let parsed: ModelURI
        do {
            parsed = try ModelURI(parsing: options.uri)
        } catch {
            throw CairnClientError.invalid(error.message)
        }
        self.client = client
        self.options = options
        self.log = log
        self.model = parsed.modelName
        self.reference = parsed.reference.description
    }

    var versions: URL { options.directory.appendingPathComponent("versions", isDirectory: true) }
    var current: URL { options.directory.appendingPathComponent("current") }

    /// The version `current` points at, if any.
    public func currentVersion() -> Int? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else { return nil }
        return Int(URL(fileURLWithPath: target).lastPathComponent)
    }

    /// Follows the reference until the task is cancelled: syncs now, then again at every event of the model.
    public func run() async throws {
        try prepare()
        var failures = 0
        while !Task.isCancelled {
            do {
                // The head first, then the state: nothing committed after the resolve can be missed.
                let query = EventWatchQuery(model: model, actions: ["version", "alias"], heartbeatSeconds: 5)
                let head = try await client.eventHead(query)
                try await syncOnce()
                failures = 0
                for try await _ in client.watchEvents(query, after: head) {
                    try await syncOnce()
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                log("sync: \(error); retrying")
                try? await Task.sleep(for: CairnClient.reconnectDelay(afterFailures: failures))
            }
        }
    }

    /// Resolves the reference and switches to its version when it is not the current one. Returns the version
    /// switched to, `nil` when nothing changed.
    @discardableResult
    public func syncOnce() async throws -> Int? {
        let resolved: ResolveDTO
        do {
            resolved = try await client.resolve(options.uri)
        } catch let error as CairnClientError where error.status == 404 {
            // Nothing in the stage, or the alias removed: keep serving what is live until something is named again.
            log(
                "sync: \(options.uri) names no version now (\(error.message)); keeping \(currentVersion().map { "v\($0)" } ?? "nothing")"
            )
            return nil
        }
        let number = resolved.version.version
        let previous = currentVersion()
        guard number != previous else { return nil }
        let installed = try await install(resolved)
        try switchCurrent(to: installed)
        log("sync: \(model) \(previous.map { "v\($0) → " } ?? "")v\(number) live at \(current.path)")
        await reload(number)
        try await client.reportDeployment(
            model: model,
            host: options.host,
            ReportDeploymentRequest(version: number, reference: reference, directory: current.path)
        )
        prune(keeping: number)
        return number
    }

    /// Creates the layout and removes downloads a killed agent left.
    func prepare() throws {
        try FileManager.default.createDirectory(at: versions, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: versions.path)) ?? []
        where name.hasPrefix(".incoming-") {
            try? FileManager.default.removeItem(at: versions.appendingPathComponent(name))
        }
    }

    /// A complete, verified copy of the version: reused when one with the same sealed digest is on disk, else
    /// downloaded into a fresh directory and moved into place only once every file verified.
    func install(_ resolved: ResolveDTO) async throws -> URL {
        try prepare()
        let number = resolved.version.version
        let target = versions.appendingPathComponent(String(number), isDirectory: true)
        let marker = ".cairn-manifest"
        let digest = resolved.manifest.digest ?? ""
        if let kept = try? String(contentsOf: target.appendingPathComponent(marker), encoding: .utf8), kept == digest {
            return target
        }
        let incoming = versions.appendingPathComponent(".incoming-\(number)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        do {
            log("sync: downloading v\(number) of \(model)")
            // By number: the reference may move on while this runs; this is the version just resolved.
            try await client.pull("models:/\(model)/\(number)", into: incoming)
            try Data(digest.utf8).write(to: incoming.appendingPathComponent(marker), options: .atomic)
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.moveItem(at: incoming, to: target)
        } catch {
            try? FileManager.default.removeItem(at: incoming)
            throw error
        }
        return target
    }

    /// Points `current` at `target` with one rename over the old link.
    func switchCurrent(to target: URL) throws {
        let staged = options.directory.appendingPathComponent(".current-\(UUID().uuidString)")
        try FileManager.default.createSymbolicLink(
            atPath: staged.path,
            withDestinationPath: "versions/" + target.lastPathComponent
        )
        guard rename(staged.path, current.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: staged)
            throw CairnClientError(code: "SYNC_FAILED", message: "Could not switch \(current.path): \(reason).")
        }
    }

    /// Runs the reload hook; a failing hook is reported, and the new version stays live (its files are complete).
    func reload(_ number: Int) async {
        if let command = options.reloadCommand {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "CAIRN_MODEL": model, "CAIRN_VERSION": String(number), "CAIRN_MODEL_DIR": current.path,
            ]) { $1 }
            do {
                try process.run()
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        process.waitUntilExit()
                        continuation.resume()
                    }
                }
                if process.terminationStatus != 0 {
                    log("sync: reload command exited \(process.terminationStatus)")
                }
            } catch {
                log("sync: reload command failed to start: \(error)")
            }
        }
        if let url = options.reloadURL {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = try? JSONSerialization.data(withJSONObject: [
                "model": model, "version": number, "path": current.path,
            ])
            request.body = .bytes(ByteBuffer(bytes: body ?? Data()))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                if !(200..<300).contains(Int(response.status.code)) {
                    log("sync: reload URL answered \(response.status.code)")
                }
            } catch {
                log("sync: reload URL failed: \(error)")
            }
        }
    }

    /// Removes all but the `keep` most recently installed versions, never the live one.
    func prune(keeping live: Int) {
        let files = FileManager.default
        let installed = ((try? files.contentsOfDirectory(atPath: versions.path)) ?? []).compactMap(Int.init)
        let byAge = installed.sorted { a, b in
            let date = { (n: Int) in
                (try? files.attributesOfItem(atPath: versions.appendingPathComponent(String(n)).path)[.modificationDate]
                    as? Date) ?? .distantPast
            }
            return date(a) > date(b)
        }
        var kept = 1
        for number in byAge where number != live {
            if kept < options.keep {
                kept += 1
            } else {
                try? files.removeItem(at: versions.appendingPathComponent(String(number)))
            }
        }
    }
}

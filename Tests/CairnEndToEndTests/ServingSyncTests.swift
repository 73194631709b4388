import CairnClient
import CairnTesting
import CairnWire
import Foundation
import Synchronization
import Testing

@Suite("cairn sync: the serving sync agent against a real server", .serialized)
struct ServingSyncTests {
    /// `cairn sync …` as a child process, with its output in a file.
    final class Agent: Sendable {
        let process: Process
        let log: URL

        init(_ arguments: [String], server: URL, token: String, log: URL) throws {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["sync"] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging([
                "CAIRN_SERVER": server.absoluteString, "CAIRN_TOKEN": token,
            ]) { $1 }
            process.standardOutput = handle
            process.standardError = handle
            self.log = log
            try ProcessLauncher.run(process)
            try? handle.close()
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    /// A version's files: `VERSION` holding its number, and `weights-i.bin` stamped with it, `size` bytes each.
    static func tree(_ version: Int, files: Int = 3, size: Int = 64 * 1024, in root: URL) throws -> URL {
        let directory = root.appendingPathComponent("v\(version)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("\(version)\n".utf8).write(to: directory.appendingPathComponent("VERSION"))
        for index in 0..<files {
            let stamp = Array("v\(version)f\(index);".utf8)
            let bytes = (0..<size).map { stamp[$0 % stamp.count] }
            try Data(bytes).write(to: directory.appendingPathComponent("weights-\(index).bin"))
        }
        return directory
    }

    /// Reads `current` the way a server loading a model would: the link once, then every file under it. Returns
    /// the version when the tree is complete and every file belongs to that version, else why not.
    enum Serving: Equatable, Sendable {
        case success(Int)
        case failure(String)
    }

    static func readServing(_ current: URL, files: Int) -> Serving {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else {
            return .failure("no current link")
        }
        let root = current.deletingLastPathComponent().appendingPathComponent(target)
        guard let text = try? String(contentsOf: root.appendingPathComponent("VERSION"), encoding: .utf8),
            let version = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return .failure("\(target): no VERSION") }
        for index in 0..<files {
            guard let data = try? Data(contentsOf: root.appendingPathComponent("weights-\(index).bin")),
                data.starts(with: Array("v\(version)f\(index);".utf8))
            else { return .failure("\(target): weights-\(index).bin is missing or not version \(version)'s") }
        }
        return .success(version)
    }

    @Test("promote, roll back, promote again while a reader hammers current: always complete, hook once per switch")
    func followsPromotionsAndRollbacks() async throws {
        let data = try TempDirectory()
        let work = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        defer { _ = server.terminate() }
        let admin = try WebhookDeliveryTests.client(server, data)
        _ = try await admin.createModel(name: "fraud")
        for version in 1...2 {
            _ = try await admin.push(model: "fraud", directory: try Self.tree(version, in: work.url))
        }
        _ = try await admin.promote(model: "fraud", version: 1, stage: "Production")
        // The agent needs no more than read on the model.
        _ = try await admin.createAccount(name: "serve-bot", serviceAccount: true)
        _ = try await admin.addGrant(account: "serve-bot", GrantDTO(role: "viewer", scope: "model", target: "fraud"))
        let token = try await admin.createToken(account: "serve-bot").secret

        let serving = work.url.appendingPathComponent("serving")
        let hookLog = work.url.appendingPathComponent("hook.log")
        let agent = try Agent(
            [
                "models:/fraud/Production", "--dir", serving.path, "--host", "serve-1", "--keep", "3",
                "--on-switch", "echo $CAIRN_VERSION >> \(hookLog.path)",
            ],
            server: server.url,
            token: token,
            log: work.url.appendingPathComponent("agent.log")
        )
        defer { agent.stop() }
        let current = serving.appendingPathComponent("current")
        #expect(try await CrashRecoveryTests.eventually(20) { Self.readServing(current, files: 3) == .success(1) })

        // A reader that never stops looking, recording anything it ever saw that was not a whole version.
        let broken = Mutex<[String]>([])
        let seen = Mutex<Set<Int>>([])
        let reader = Task.detached {
            while !Task.isCancelled {
                switch Self.readServing(current, files: 3) {
                case .success(let version): seen.withLock { _ = $0.insert(version) }
                case .failure(let why): broken.withLock { $0.append(why) }
                }
            }
        }
        defer { reader.cancel() }

        var switches: [Duration] = []
        for (version, action) in [(2, "promote"), (1, "rollback"), (2, "promote")] {
            let start = ContinuousClock.now
            if action == "promote" {
                _ = try await admin.promote(
                    model: "fraud",
                    version: version,
                    stage: "Production",
                    archiveExisting: true
                )
            } else {
                _ = try await admin.rollback(model: "fraud", reason: "incident")
            }
            #expect(
                try await CrashRecoveryTests.eventually(20) { Self.readServing(current, files: 3) == .success(version) }
            )
            switches.append(ContinuousClock.now - start)
        }
        reader.cancel()
        _ = await reader.result
        #expect(
            broken.withLock { $0 }.isEmpty,
            "a reader saw an incomplete version: \(broken.withLock { $0.prefix(3) })"
        )
        #expect(seen.withLock { $0 } == [1, 2])
        #expect(switches.allSatisfy { $0 < .seconds(5) }, "switch times \(switches)")
        // The hook runs just after the switch: wait for the last one.
        let hookLines = { ((try? String(contentsOf: hookLog, encoding: .utf8)) ?? "").split(separator: "\n") }
        #expect(try await CrashRecoveryTests.eventually(10) { hookLines().count >= 4 })
        let hooks = hookLines()
        #expect(hooks == ["1", "2", "1", "2"], "the hook runs once per switch: \(hooks) \(agent.output)")
        // Each version was downloaded once: the rollback and the second promotion switched to the copies kept.
        let output = agent.output
        #expect(output.components(separatedBy: "downloading v1 ").count == 2, "\(output)")
        #expect(output.components(separatedBy: "downloading v2 ").count == 2, "\(output)")
        // The report follows the switch and the hook.
        #expect(
            try await WebhookDeliveryTests.soon(10) {
                try await admin.deployments(model: "fraud").deployments.map { "\($0.host)=\($0.version)" } == [
                    "serve-1=2"
                ]
            }
        )
        let deployments = try await admin.deployments(model: "fraud").deployments
        #expect(deployments.first?.reference == "Production" && deployments.first?.reportedBy == "serve-bot")
    }

    @Test("the agent survives the registry being killed and restarted, and follows the next promotion")
    func survivesRegistryRestart() async throws {
        let data = try TempDirectory()
        let work = try TempDirectory()
        let first = try await KillableServer.start(data: data.url)
        let port = first.port
        let admin = try WebhookDeliveryTests.client(first, data)
        let token = try String(contentsOf: data.url.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await admin.createModel(name: "churn")
        for version in 1...2 {
            _ = try await admin.push(model: "churn", directory: try Self.tree(version, in: work.url))
        }
        _ = try await admin.setAlias(model: "churn", alias: "champion", version: 1)
        let serving = work.url.appendingPathComponent("serving")
        let current = serving.appendingPathComponent("current")
        // The reload hook as an HTTP call, as a serving framework's load API takes it.
        let loader = try await WebhookReceiver.reserve()
        try await loader.start()
        defer { Task { await loader.stop() } }
        let agent = try Agent(
            ["models:/churn@champion", "--dir", serving.path, "--host", "serve-3", "--reload-url", loader.url],
            server: first.url,
            token: token,
            log: work.url.appendingPathComponent("agent.log")
        )
        defer { agent.stop() }
        #expect(try await CrashRecoveryTests.eventually(20) { Self.readServing(current, files: 3) == .success(1) })
        first.killHard()
        try await Task.sleep(for: .seconds(1))
        let second = try await KillableServer.start(data: data.url, arguments: ["--port", String(port)])
        defer { _ = second.terminate() }
        _ = try await admin.setAlias(model: "churn", alias: "champion", version: 2)
        #expect(
            try await CrashRecoveryTests.eventually(30) { Self.readServing(current, files: 3) == .success(2) },
            "\(agent.output)"
        )
        #expect(agent.process.isRunning)
        // The alias removed: nothing is named, so what is live stays live; named again, the agent follows.
        try await admin.deleteAlias(model: "churn", alias: "champion")
        #expect(try await CrashRecoveryTests.eventually(10) { agent.output.contains("names no version now") })
        #expect(Self.readServing(current, files: 3) == .success(2))
        _ = try await admin.setAlias(model: "churn", alias: "champion", version: 1)
        #expect(try await CrashRecoveryTests.eventually(10) { Self.readServing(current, files: 3) == .success(1) })
        #expect(try await CrashRecoveryTests.eventually(5) { loader.received.count == 3 })
        let loads = loader.received.map { $0.json }
        #expect(loads.map { ($0["version"] as? NSNumber)?.intValue } == [1, 2, 1], "\(loads)")
        #expect(loads.allSatisfy { $0["model"] as? String == "churn" && $0["path"] as? String == current.path })
    }

    @Test("kill -9 of the agent mid-download leaves the old version live; restarted, it finishes cleanly")
    func killMidDownload() async throws {
        let data = try TempDirectory()
        let work = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        defer { _ = server.terminate() }
        let admin = try WebhookDeliveryTests.client(server, data)
        let token = try String(contentsOf: data.url.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await admin.createModel(name: "big")
        _ = try await admin.push(model: "big", directory: try Self.tree(1, in: work.url))
        // Version 2 is large enough that a download is in flight for a while.
        _ = try await admin.push(model: "big", directory: try Self.tree(2, files: 3, size: 24 << 20, in: work.url))
        _ = try await admin.promote(model: "big", version: 1, stage: "Production")
        let serving = work.url.appendingPathComponent("serving")
        let current = serving.appendingPathComponent("current")
        let versions = serving.appendingPathComponent("versions")
        let arguments = ["models:/big/Production", "--dir", serving.path, "--host", "serve-2"]
        let first = try Agent(arguments, server: server.url, token: token, log: work.url.appendingPathComponent("a1"))
        #expect(try await CrashRecoveryTests.eventually(20) { Self.readServing(current, files: 3) == .success(1) })
        _ = try await admin.promote(model: "big", version: 2, stage: "Production", archiveExisting: true)
        let downloading = try await CrashRecoveryTests.eventually(20) {
            ((try? FileManager.default.contentsOfDirectory(atPath: versions.path)) ?? []).contains {
                $0.hasPrefix(".incoming-2-")
            }
        }
        #expect(downloading)
        first.kill9()
        #expect(Self.readServing(current, files: 3) == .success(1), "the old version stays live")
        #expect(!FileManager.default.fileExists(atPath: versions.appendingPathComponent("2").path))
        let second = try Agent(arguments, server: server.url, token: token, log: work.url.appendingPathComponent("a2"))
        defer { second.stop() }
        #expect(try await CrashRecoveryTests.eventually(60) { Self.readServing(current, files: 3) == .success(2) })
        let left = (try? FileManager.default.contentsOfDirectory(atPath: versions.path)) ?? []
        #expect(!left.contains { $0.hasPrefix(".incoming-") }, "no partial download is left: \(left)")
    }
}

import ArgumentParser
import CairnClient
import CairnWire
import Foundation

/// `cairn sync`: the serving sync agent (``ServingSync``).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Keep a serving directory on the version a models:/ URI names, switching with zero downtime.",
        discussion: """
            Follows models:/NAME/Production (or @alias, a stage, latest) through the registry's event stream. A new \
            version is downloaded into a fresh directory while the old one keeps serving, every digest is verified, \
            then DIR/current is switched in one atomic rename, the reload hook runs, and the registry records which \
            version this host serves (cairn deployments NAME). The last --keep versions stay on disk, so a rollback \
            switches back at once. Survives registry restarts and network drops; --once syncs and exits.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "What to follow: models:/NAME/Production, models:/NAME@champion, models:/NAME/latest.")
    var uri: String
    @Option(name: [.customShort("d"), .long], help: "The serving directory (DIR/current is what to serve).")
    var dir: String
    @Option(help: "The host name reported to the registry (default: this machine's).") var host: String?
    @Option(help: "Versions kept on disk, the live one included.") var keep = 3
    @Option(
        help: ArgumentHelp(
            "Run after each switch with /bin/sh -c; CAIRN_MODEL, CAIRN_VERSION and CAIRN_MODEL_DIR are set.",
            valueName: "command"
        )
    )
    var onSwitch: String?
    @Option(help: ArgumentHelp("POST {model, version, path} here after each switch.", valueName: "url"))
    var reloadURL: String?
    @Flag(help: "Sync once and exit (exit 0 whether or not the version changed).") var once = false

    func validate() throws {
        if keep < 1 { throw ValidationError("--keep must be at least 1.") }
        if let reloadURL, URL(string: reloadURL)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--reload-url must be an http:// or https:// URL.")
        }
    }

    func run() async throws {
        let directory = URL(fileURLWithPath: dir).standardizedFileURL
        try await options.withClient { client in
            let agent = try ServingSync(
                client: client,
                options: ServingSync.Options(
                    uri: uri,
                    directory: directory,
                    host: host ?? ProcessInfo.processInfo.hostName,
                    keep: keep,
                    reloadCommand: onSwitch,
                    reloadURL: reloadURL.flatMap(URL.init(string:))
                ),
                log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            )
            if once {
                let switched = try await agent.syncOnce()
                print(
                    switched.map { "Switched to version \($0)." }
                        ?? "Version \(agent.currentVersion() ?? 0) is current."
                )
            } else {
                try await agent.run()
            }
        }
    }
}

/// `cairn deployments NAME`: which serving hosts serve which version.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments",
        abstract: "Show which hosts serve which version of a model, as `cairn sync` reported."
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The model.") var model: String

    func run() async throws {
        try await options.withClient { client in
            let list = try await client.deployments(model: model)
            if options.json { return try options.printJSON(list) }
            guard !list.deployments.isEmpty else { return print("No host has reported serving '\(model)'.") }
            var table = TableRenderer(["HOST", "VERSION", "FOLLOWS", "SINCE", "DIRECTORY"])
            for deployment in list.deployments {
                table.append([
                    deployment.host, String(deployment.version), deployment.reference,
                    Presenters.time(deployment.syncedAt), TableRenderer.truncate(deployment.directory, to: 50),
                ])
            }
            print(table.render())
        }
    }
}

import ArgumentParser
import CairnClient
import CairnWire
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cairn audit …`: the hash-chained event log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and verify the tamper-evident audit log; export and sign its head.",
        discussion: """
            Every change is an entry chained to the previous one by its hash. `audit head --sign-key` exports the \
            newest entry signed with an Ed25519 key (`audit keygen`); keep it outside the registry, and \
            `audit verify --head` later proves the log was neither rewritten nor truncated since.
            """,
        subcommands: [Log.self, Verify.self, Head.self, Keygen.self]
    )

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit events, oldest first (JSON lines, one event per line, with --json)."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this model's events (under earlier names too).") var model: String?
        @Option(help: "Only this version's events (needs --model).") var version: Int?
        @Option(help: "Only events by this principal.") var actor: String?
        @Option(help: "Only this action (transition.approved) or family (transition).") var action: String?
        @Option(help: ArgumentHelp("At or after this ISO 8601 time.", valueName: "time")) var since: String?
        @Option(help: ArgumentHelp("Before this ISO 8601 time.", valueName: "time")) var until: String?
        @Option(help: "At most this many events (default: all).") var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
            if version != nil && model == nil { throw ValidationError("--version needs --model.") }
            for (option, text) in [("--since", since), ("--until", until)] {
                if let text, WireTime.parse(text) == nil {
                    throw ValidationError("\(option) '\(text)' is not an ISO 8601 time such as 2026-03-03T10:00Z.")
                }
            }
        }

        func run() async throws {
            let filter = CairnClient.AuditFilter(
                model: model,
                version: version,
                actor: actor,
                action: action,
                since: since.flatMap(WireTime.parse),
                until: until.flatMap(WireTime.parse)
            )
            try await options.withClient { client in
                let encoder = WireJSON.encoder()
                var events: [EventDTO] = []
                try await client.forEachAuditEvent(filter, limit: limit) { page in
                    guard options.json else { return events += page }
                    for event in page { print(String(decoding: try encoder.encode(event), as: UTF8.self)) }
                }
                if !options.json { print(events.isEmpty ? "No events." : Presenters.eventTable(events)) }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the log and re-walk its chain here; with --head, also check an exported (signed) head.",
            discussion: """
                Every link is recomputed on this machine from the events the server sends, so a server that \
                altered its log cannot vouch for it. Exits with status 1 when the chain is broken or the head's \
                signature does not verify. A signed \
                head needs --public-key (the signer's key, kept apart from the head): a key embedded in the head \
                proves nothing about who signed it, since whoever rewrote the log could re-sign a head with their own.
                """
        )
        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("A head exported by `cairn audit head`.", valueName: "file")) var head: String?
        @Option(help: ArgumentHelp("The signer's public key (from `cairn audit keygen`).", valueName: "file"))
        var publicKey: String?

        func validate() throws {
            if publicKey != nil && head == nil { throw ValidationError("--public-key needs --head FILE.") }
        }

        func run() async throws {
            try await options.withClient { client in
                var failed = false
                var exported: ExportedChainHead?
                if let head {
                    let found = try AuditFiles.readHead(head)
                    exported = found
                    failed = try !checkSignature(found)
                }
                // Verified here, from the events themselves: the server's own verdict is not trusted.
                let result = try await client.verifyAuditLogLocally(head: exported?.head)
                if options.json {
                    try options.printJSON(result)
                } else if let broken = result.broken {
                    print("broken at entry \(broken.sequence) (\(broken.kind)): \(broken.reason)")
                    print("(\(result.checked) entries intact before it)")
                } else if let last = result.head {
                    print("intact: \(result.checked) entries, head \(last.sequence) \(last.hash)")
                } else {
                    print("intact: the log is empty")
                }
                if failed || !result.intact { throw ExitCode(1) }
            }
        }

        /// Checks the head's signature, printing the outcome; `false` when it does not verify.
        func checkSignature(_ head: ExportedChainHead) throws -> Bool {
            let trusted = try publicKey.map { try SigningKeyFile.publicKey(at: URL(fileURLWithPath: $0)) }
            switch head.verify(publicKey: trusted) {
            case .unsigned:
                if publicKey != nil {
                    Console.error(
                        "The head file '\(self.head ?? "")' carries no signature to check against --public-key."
                    )
                    return false
                }
                return true
            case .valid:
                guard trusted != nil else {
                    Console.error(
                        "The head is signed, but only against the key it carries itself, which anyone could have "
                            + "made. Pass the signer's key with --public-key FILE (from `cairn audit keygen`)."
                    )
                    return false
                }
                if !options.json { print("signature: valid") }
                return true
            case .invalid(let reason):
                Console.error("The head's signature is INVALID: \(reason).")
                if !options.json { print("signature: INVALID") }
                return false
            }
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the newest entry of the chain as JSON, optionally signed, to keep elsewhere."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("An Ed25519 private key to sign with (`cairn audit keygen`).", valueName: "file"))
        var signKey: String?
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out:
            String?

        func run() async throws {
            try await options.withClient { client in
                let key = try signKey.map { try SigningKeyFile.privateKey(at: URL(fileURLWithPath: $0)) }
                var exported = ExportedChainHead(try await client.chainHead())
                if key != nil {
                    // Never vouch for a broken log: verify up to the head before signing it.
                    let result = try await client.verifyAuditLogLocally(head: exported.head)
                    if let broken = result.broken {
                        Console.error(
                            "The event log is broken at entry \(broken.sequence) (\(broken.kind)): \(broken.reason). "
                                + "Refusing to sign its head."
                        )
                        throw ExitCode(1)
                    }
                }
                if let key { try exported.sign(with: key) }
                let encoder = WireJSON.encoder()
                encoder.outputFormatting.insert(.prettyPrinted)
                let data = try encoder.encode(exported) + Data("\n".utf8)
                guard let out else { return print(String(decoding: data, as: UTF8.self), terminator: "") }
                do {
                    try data.write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw CairnClientError(code: CairnClientError.localIO, message: "Cannot write '\(out)': \(error)")
                }
                print(
                    "Wrote head \(exported.sequence) \(exported.hash) to \(out)"
                        + (key == nil ? " (unsigned)." : ", signed.")
                )
            }
        }
    }

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an Ed25519 key pair for signing chain heads: PATH (private, mode 0600) and PATH.pub."
        )
        @Option(
            help: ArgumentHelp("Where to write the private key; the public key goes to PATH.pub.", valueName: "path")
        )
        var out: String

        func run() throws {
            let key = Curve25519.Signing.PrivateKey()
            do {
                try AuditFiles.createExclusive(
                    out,
                    Data(key.rawRepresentation.base64EncodedString().utf8 + [10]),
                    mode: 0o600
                )
                do {
                    let publicKey = key.publicKey.rawRepresentation.base64EncodedString()
                    try AuditFiles.createExclusive(out + ".pub", Data(publicKey.utf8 + [10]), mode: 0o644)
                } catch {
                    unlink(out)
                    throw error
                }
            } catch let error as CairnClientError {
                Console.error(error.message)
                throw ExitCode(1)
            }
            print("Wrote the private key to \(out) (keep it secret) and the public key to \(out).pub.")
        }
    }
}

/// Files of `cairn audit`: exported heads and new key files.
enum AuditFiles {
    /// Reads a head exported by `cairn audit head`.
    static func readHead(_ path: String) throws -> ExportedChainHead {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CairnClientError(
                code: CairnClientError.localIO,
                message: "Cannot read the head file '\(path)': \(error)"
            )
        }
        do {
            return try WireJSON.decoder().decode(ExportedChainHead.self, from: data)
        } catch {
            throw CairnClientError(
                code: CairnClientError.invalidArgument,
                message: "'\(path)' is not a head exported by `cairn audit head` (\(error))."
            )
        }
    }

    /// Creates `path` with `mode`, refusing to replace anything already there.
    static func createExclusive(_ path: String, _ data: Data, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            let reason =
                errno == EEXIST ? "it already exists; refusing to overwrite it" : String(cString: strerror(errno))
            throw CairnClientError(code: CairnClientError.localIO, message: "Cannot create '\(path)': \(reason).")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            unlink(path)
            throw CairnClientError(code: CairnClientError.localIO, message: "Cannot write '\(path)': \(error)")
        }
        // The umask may have narrowed the mode; a private key must end up exactly 0600 whatever it is.
        chmod(path, mode)
    }
}

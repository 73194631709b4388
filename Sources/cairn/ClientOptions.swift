import ArgumentParser
import CairnClient
import CairnWire
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options every client command takes: which server, which API token, and whether to print JSON.
struct ClientOptions: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:5000"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Cairn server's base URL (default: $CAIRN_SERVER, else \(ClientOptions.defaultServer)).",
            valueName: "url"
        )
    )
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The API token to authenticate with (default: $CAIRN_TOKEN; prefer the variable, since other local "
                + "users can see command lines).",
            valueName: "token"
        )
    )
    var token: String?

    @Flag(name: .long, help: "Print machine-readable JSON (the API's objects) instead of tables.")
    var json = false

    /// The server URL from `--server`, `CAIRN_SERVER` or the default; `host:port` gets `http://` in front.
    var serverURL: URL {
        get throws {
            var text = server ?? ProcessInfo.processInfo.environment["CAIRN_SERVER"] ?? Self.defaultServer
            text = text.trimmingCharacters(in: .whitespaces)
            if !text.contains("://") { text = "http://" + text }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil
            else {
                throw ValidationError("'\(text)' is not a server URL; use one such as \(Self.defaultServer).")
            }
            return url
        }
    }

    /// The API token from `--token`, else `CAIRN_TOKEN`; `nil` when neither is set or the value is blank (then
    /// requests act as the server's anonymous caller). Never printed.
    var resolvedToken: String? {
        let text = token ?? ProcessInfo.processInfo.environment["CAIRN_TOKEN"]
        return text.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` with a client of the chosen server, authenticated with ``resolvedToken``. A ``CairnClientError`` is printed as `error: <message>` on
    /// stderr and ends the process with status 1 (2 when the input was refused before anything was sent).
    func withClient(_ body: (CairnClient) async throws -> Void) async throws {
        let url = try serverURL
        do {
            try await CairnClient.withClient(baseURL: url, token: resolvedToken) { client in try await body(client) }
        } catch let error as CairnClientError {
            Console.error(error.message)
            if let requestID = error.requestID, error.status.map({ $0 >= 500 }) == true {
                Console.error("request id: \(requestID)")
            }
            throw ExitCode(error.code == CairnClientError.invalidArgument && error.status == nil ? 2 : 1)
        }
    }

    /// Prints `value` as pretty JSON in the API's conventions.
    func printJSON(_ value: some Encodable) throws {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Writing to the terminal.
enum Console {
    /// Prints `error: <message>` to stderr.
    static func error(_ message: String) {
        writeError("error: \(message)\n")
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal (progress bars redraw in place only then).
    static var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }
}

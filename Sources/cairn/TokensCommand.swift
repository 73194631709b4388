import ArgumentParser
import CairnClient
import CairnWire
import Foundation

/// `cairn whoami`: the account the client acts as.
struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show the account requests act as (from --token or CAIRN_TOKEN) and its grants."
    )

    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await options.withClient { client in
            let principal = try await client.whoami()
            try options.json ? options.printJSON(principal) : print(Presenters.whoami(principal))
        }
    }
}

/// `cairn tokens …`: API tokens. Your own tokens by default; other accounts' need the admin role.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens.",
        discussion: """
            A token's secret is shown once, when it is created; the server keeps only a hash. Send it with --token \
            or CAIRN_TOKEN (the MLflow client: MLFLOW_TRACKING_TOKEN).
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print its secret (once)."
        )

        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("The account the token acts as (default: yourself).", valueName: "name"))
        var account: String?
        @Option(help: "What the token is for (shown in listings).") var description: String?
        @Option(help: ArgumentHelp("Lifetime, such as 30d, 12h or 90m (default: never expires).", valueName: "time"))
        var expiresIn: Lifetime?

        func run() async throws {
            let expiresAt = expiresIn.map { Date().addingTimeInterval($0.seconds) }
            try await options.withClient { client in
                let name = try await TokensCommand.account(account, client: client)
                let created = try await client.createToken(
                    account: name,
                    description: description,
                    expiresAt: expiresAt
                )
                try options.json ? options.printJSON(created) : print(Presenters.newToken(created))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's tokens (never their secrets).")

        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("Whose tokens (default: yours).", valueName: "name")) var account: String?

        func run() async throws {
            try await options.withClient { client in
                let name = try await TokensCommand.account(account, client: client)
                let list = try await client.tokens(account: name)
                try options.json ? options.printJSON(list) : print(Presenters.tokenTable(list.tokens))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: it stops working on the next request."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The token's id (from `cairn tokens list`), not its secret.") var id: String

        func validate() throws {
            if id.hasPrefix("cairn_") {
                throw ValidationError("Give the token's id (see `cairn tokens list`), not its secret.")
            }
        }

        func run() async throws {
            try await options.withClient { client in
                let token = try await client.revokeToken(id: id)
                try options.json ? options.printJSON(token) : print("Revoked token \(token.id) of '\(token.account)'.")
            }
        }
    }

    /// `explicit`, else the name of the account the client acts as; anonymous callers must name one.
    static func account(_ explicit: String?, client: CairnClient) async throws -> String {
        if let explicit { return explicit }
        let principal = try await client.whoami()
        guard principal.kind == "user" || principal.kind == "service_account" else {
            throw CairnClientError(
                code: "UNAUTHENTICATED",
                message: "You are not signed in (requests act as '\(principal.name)'), so there is no account of "
                    + "yours: authenticate with --token or CAIRN_TOKEN, or name one with --account."
            )
        }
        return principal.name
    }
}

/// A token lifetime given as a count and a unit: `90m`, `12h`, `30d` or `8w`.
struct Lifetime: ExpressibleByArgument, Sendable {
    /// The lifetime in seconds.
    var seconds: TimeInterval

    static let units: [Character: TimeInterval] = ["m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    /// Ten years: anything longer is a typo, or better served by a token that never expires.
    static let maximum: TimeInterval = 3650 * 86_400

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = text.last, let scale = Self.units[unit], let count = Int(text.dropLast()), count > 0,
            text.dropLast().allSatisfy(\.isASCII)
        else { return nil }
        let seconds = TimeInterval(count) * scale
        guard seconds <= Self.maximum else { return nil }
        self.seconds = seconds
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

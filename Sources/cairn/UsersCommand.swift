import ArgumentParser
import CairnClient
import CairnWire

/// `cairn users …`: accounts (users and service accounts) and their grants. Needs the admin role.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Create, list, disable and grant roles to accounts (admin only).",
        discussion: """
            Roles: viewer (read), editor (create models and versions, edit metadata), maintainer (an editor who \
            also deletes), approver (approve transition requests), admin (users, grants, policies, everything). A grant is global, on one model (--model) or on every model \
            whose name starts with a prefix (--prefix).
            """,
        subcommands: [
            Create.self, List.self, Show.self, Disable.self, Enable.self, Password.self, Grant.self, Revoke.self,
        ]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user or a service account.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's name.") var name: String
        @Flag(help: "A service account: authenticates with API tokens only, never a password.")
        var serviceAccount = false

        func run() async throws {
            try await options.withClient { client in
                let account = try await client.createAccount(name: name, serviceAccount: serviceAccount)
                try options.json ? options.printJSON(account) : print(Presenters.account(account))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { client in
                let list = try await client.listAccounts()
                try options.json ? options.printJSON(list) : print(Presenters.accountTable(list.accounts))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account and its grants.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                let account = try await client.account(name)
                try options.json ? options.printJSON(account) : print(Presenters.account(account))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its password and tokens stop working on the next request."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                let account = try await client.disableAccount(name)
                try options.json ? options.printJSON(account) : print("Disabled account '\(account.name)'.")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The account's name.") var name: String

        func run() async throws {
            try await options.withClient { client in
                let account = try await client.enableAccount(name)
                try options.json ? options.printJSON(account) : print("Enabled account '\(account.name)'.")
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (for HTTP Basic, e.g. MLFLOW_TRACKING_USERNAME/PASSWORD).",
            discussion: """
                The password is read from standard input when it is piped (one trailing newline is dropped), \
                else asked for twice on the terminal without echo. It is never taken from the command line. \
                Changing your own password needs --current (unless you are an admin): the current password is \
                asked for first, or read from the first line of standard input.
                """
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's name.") var name: String
        @Flag(help: "Give the current password first (needed to change your own, unless you are an admin).")
        var current = false

        func run() async throws {
            let (currentPassword, password) =
                current
                ? try PasswordInput.readPasswordChange(for: name) : (nil, try PasswordInput.readNewPassword(for: name))
            try await options.withClient { client in
                try await client.setPassword(account: name, password: password, currentPassword: currentPassword)
                if !options.json { print("Set the password of '\(name)'.") }
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a role globally, on one model (--model) or on a name prefix (--prefix)."
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var grant: GrantArguments

        func run() async throws {
            try await options.withClient { client in
                let list = try await client.addGrant(account: grant.name, grant.dto)
                try options.json ? options.printJSON(list) : print(Presenters.grantTable(list.grants))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a role granted globally, on one model (--model) or on a name prefix (--prefix)."
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var grant: GrantArguments

        func run() async throws {
            try await options.withClient { client in
                let list = try await client.revokeGrant(account: grant.name, grant.dto)
                try options.json ? options.printJSON(list) : print(Presenters.grantTable(list.grants))
            }
        }
    }
}

/// `NAME ROLE [--model M | --prefix P]`, shared by `users grant` and `users revoke`.
struct GrantArguments: ParsableArguments {
    static let roles = ["viewer", "editor", "maintainer", "approver", "admin"]

    @Argument(help: "The account's name.") var name: String
    @Argument(help: "viewer, editor, maintainer, approver or admin.") var role: String
    @Option(help: ArgumentHelp("Only on this model.", valueName: "name")) var model: String?
    @Option(help: ArgumentHelp("Only on models whose name starts with this.", valueName: "prefix")) var prefix: String?

    func validate() throws {
        guard Self.roles.contains(role.lowercased()) else {
            throw ValidationError("'\(role)' is not a role; use one of \(Self.roles.joined(separator: ", ")).")
        }
        if model != nil && prefix != nil { throw ValidationError("Give --model or --prefix, not both.") }
        if model?.isEmpty == true { throw ValidationError("--model needs a model name.") }
        if prefix?.isEmpty == true {
            throw ValidationError("--prefix needs at least one character (for every model, give neither option).")
        }
    }

    /// The grant as the API spells it.
    var dto: GrantDTO {
        let role = role.lowercased()
        if let model { return .model(role, model) }
        if let prefix { return .prefix(role, prefix) }
        return .global(role)
    }
}

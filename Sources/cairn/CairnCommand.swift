import ArgumentParser

/// `cairn`: the server (`cairn serve`) and a client of its native API, in one binary.
@main
struct CairnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn: an ML model registry. Run the server, or talk to one.",
        discussion: """
            Client commands talk to --server, else $CAIRN_SERVER, else http://127.0.0.1:5000, and authenticate with \
            --token, else $CAIRN_TOKEN (an API token from `cairn tokens create`).
            """,
        subcommands: [
            ServeCommand.self,
            ModelsCommand.self,
            VersionsCommand.self,
            AliasCommand.self,
            PushCommand.self,
            PullCommand.self,
            ResolveCommand.self,
            WhoAmICommand.self,
            UsersCommand.self,
            TokensCommand.self,
            PolicyCommand.self,
            PromoteCommand.self,
            RequestsCommand.self,
            CardCommand.self,
            RollbackCommand.self,
            HistoryCommand.self,
            ProvenanceCommand.self,
            AuditCommand.self,
            WebhooksCommand.self,
            SyncCommand.self,
            DeploymentsCommand.self,
        ]
    )

    /// Lets `--server`, `--token` and `--json` come before the subcommand too (`cairn --server URL models list`); every client
    /// subcommand declares the same group and ArgumentParser hands it the value.
    @OptionGroup var options: ClientOptions
}

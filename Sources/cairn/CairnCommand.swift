import ArgumentParser

/// `cairn`: the server (`cairn serve`) and a client of its native API, in one binary.
@main
struct CairnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn: an ML model registry. Run the server, or talk to one.",
        subcommands: [
            ServeCommand.self
        ]
    )
}

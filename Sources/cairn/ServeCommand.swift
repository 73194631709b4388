import ArgumentParser

/// `cairn serve`: runs the registry server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Cairn server.")

    func run() async throws {
        throw ValidationError("serve is being wired up")
    }
}

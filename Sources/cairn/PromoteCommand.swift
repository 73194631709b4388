import ArgumentParser
import CairnClient
import CairnCore
import CairnWire

/// `cairn promote NAME VERSION --stage STAGE | --alias ALIAS`: moves a version, or asks for approval to.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Move a version into a stage or point an alias at it, under the model's policy.",
        discussion: """
            Without a policy guarding the target the move is applied at once. With one, the policy's gates are \
            checked first (a failing gate refuses the promotion and names the gate); then a transition request is \
            created and the move is applied once approvers approve it (`cairn requests approve ID`). Both outcomes \
            exit with status 0.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The model's name.") var name: String
    @Argument(help: "The version number.") var version: Int
    @Option(help: "The stage: Staging, Production, Archived or None.") var stage: String?
    @Option(help: "The alias to point at the version, such as champion.") var alias: String?
    @Flag(help: "Archive the other versions in the stage once the move is applied.") var archiveExisting = false
    @Option(help: "Why (recorded with the request and in the audit log).") var comment: String?

    func validate() throws {
        guard (stage == nil) != (alias == nil) else {
            throw ValidationError("Give exactly one of --stage and --alias.")
        }
        if let stage, Stage(caseInsensitive: stage) == nil {
            throw ValidationError("'\(stage)' is not a stage; use Staging, Production, Archived or None.")
        }
        if archiveExisting, alias != nil { throw ValidationError("--archive-existing applies to stages only.") }
    }

    func run() async throws {
        let request = PromoteRequest(
            stage: stage.flatMap { Stage(caseInsensitive: $0)?.rawValue },
            alias: alias,
            archiveExisting: archiveExisting ? true : nil,
            comment: comment
        )
        try await options.withClient { client in
            let outcome = try await client.promote(model: name, version: version, request)
            let target = request.stage.map { "stage:\($0)" } ?? "alias:\(alias ?? "")"
            try options.json ? options.printJSON(outcome) : print(Presenters.outcome(outcome, requested: target))
        }
    }
}

/// `cairn rollback NAME --reason TEXT`: puts the previous Production version back.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put the previous Production version back into Production and archive the current one.",
        discussion: """
            The version restored was approved when it first entered Production, so no new approval is asked for; \
            the reason is recorded in the audit log.
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The model's name.") var name: String
    @Option(help: "Why (required; recorded in the audit log).") var reason: String

    func validate() throws {
        if reason.allSatisfy(\.isWhitespace) { throw ValidationError("Say why you roll back: give --reason TEXT.") }
    }

    func run() async throws {
        try await options.withClient { client in
            let outcome = try await client.rollback(model: name, reason: reason)
            if options.json { return try options.printJSON(outcome) }
            let archived = outcome.archived.map(String.init).joined(separator: ", ")
            print(
                "Rolled back '\(name)': version \(outcome.restored.version) is in Production again"
                    + (archived.isEmpty ? "." : "; archived version(s) \(archived).")
            )
        }
    }
}

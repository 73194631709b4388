import ArgumentParser
import CairnClient
import CairnCore
import CairnWire
import Foundation

/// `cairn history NAME [--stage STAGE] [--at TIME]`: what was where, when, replayed from the audit log.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show which versions were in which stage at a time (now by default), and every stage change.",
        discussion: """
            With --stage, answers "which version was in Production at 10:00 on 3 March" and names the stage change \
            that put it there (who, when, which request). TIME is ISO 8601: 2026-03-03T10:00Z, \
            2026-03-03T10:00:00+01:00, or a date (its start in UTC).
            """
    )

    @OptionGroup var options: ClientOptions
    @Argument(help: "The model's name.") var name: String
    @Option(help: "Only this stage: Staging, Production, Archived or None.") var stage: String?
    @Option(help: ArgumentHelp("The time to look at (default: now).", valueName: "time")) var at: String?

    func validate() throws {
        if let stage, Stage(caseInsensitive: stage) == nil {
            throw ValidationError("'\(stage)' is not a stage; use Staging, Production, Archived or None.")
        }
        if let at, WireTime.parse(at) == nil {
            throw ValidationError("--at '\(at)' is not an ISO 8601 time such as 2026-03-03T10:00Z.")
        }
    }

    func run() async throws {
        let moment = at.flatMap(WireTime.parse)
        try await options.withClient { client in
            let history = try await client.stageHistory(model: name, at: moment)
            if options.json { return try options.printJSON(history) }
            if let stage = stage.flatMap(Stage.init(caseInsensitive:)) {
                print(Self.stageReport(history, stage: stage.rawValue))
            } else {
                print(Self.report(history))
            }
        }
    }

    /// The versions in `stage` at the history's time, each with the change that put it there.
    static func stageReport(_ history: StageHistoryDTO, stage: String) -> String {
        let versions = history.stages[stage] ?? []
        let when = Presenters.time(history.at)
        guard !versions.isEmpty else { return "No version of '\(history.model)' was in \(stage) at \(when)." }
        var lines = [
            "In \(stage) at \(when): version\(versions.count == 1 ? "" : "s") "
                + versions.map(String.init).joined(separator: ", ")
        ]
        for number in versions {
            let cause = history.changes.last {
                ($0.version == number && $0.to == stage) || (stage == "Archived" && $0.archived.contains(number))
            }
            guard let cause else { continue }
            var line = "  version \(number): "
            if cause.version == number {
                line += "moved from \(cause.from) to \(cause.to) by \(cause.actor) at \(Presenters.time(cause.time))"
            } else {
                line +=
                    "archived by \(cause.actor) at \(Presenters.time(cause.time)) when version \(cause.version) "
                    + "entered \(cause.to)"
            }
            if let request = cause.request { line += " (request \(request))" }
            if let reason = cause.rollbackReason { line += " (rollback: \(reason))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The stage table at the history's time, then the timeline of changes.
    static func report(_ history: StageHistoryDTO) -> String {
        var table = TableRenderer(["STAGE", "VERSIONS"])
        for stage in Stage.allCases.map(\.rawValue) {
            guard let versions = history.stages[stage] else { continue }
            table.append([stage, versions.map(String.init).joined(separator: ", ")])
        }
        let header = "Stages of '\(history.model)' at \(Presenters.time(history.at)):\n"
        let stages = history.stages.isEmpty ? "No version has left stage None." : table.render()
        return header + stages + "\n\nStage changes:\n" + Presenters.stageChangeTable(history.changes)
    }
}

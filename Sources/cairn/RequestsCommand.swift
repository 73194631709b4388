import ArgumentParser
import CairnClient
import CairnCore
import CairnWire
import Foundation

/// `cairn requests …`: transition requests created by promotions into guarded stages and aliases.
struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "List, show, approve, reject and cancel transition requests.",
        discussion: """
            Approving and rejecting need the approver role; the requester may never approve their own request, and \
            under separation of duties neither may the version's creator. The last approval needed re-checks the \
            gates and applies the move.
            """,
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Cancel.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List transition requests, newest first.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this model's requests.") var model: String?
        @Option(help: "Only requests in this state: pending, approved, rejected, cancelled or superseded.")
        var state: String?
        @Option(help: "At most this many (default 100).") var limit = 100

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1.") }
            if let state {
                do {
                    _ = try TransitionRequest.State(parsing: state)
                } catch {
                    throw ValidationError(error.message)
                }
            }
        }

        func run() async throws {
            try await options.withClient { client in
                var requests: [TransitionRequestDTO] = []
                var token: String?
                repeat {
                    let page = try await client.listRequests(
                        model: model,
                        state: state?.lowercased(),
                        pageToken: token,
                        limit: min(1000, limit - requests.count)
                    )
                    requests += page.requests
                    token = page.nextPageToken
                } while token != nil && requests.count < limit
                if options.json {
                    return try options.printJSON(TransitionRequestListDTO(requests: requests, nextPageToken: token))
                }
                print(Presenters.requestTable(requests))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a request with its gate results and decisions."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The request's id.") var id: String

        func run() async throws {
            try await options.withClient { client in
                let request = try await client.request(id: id)
                try options.json ? options.printJSON(request) : print(Presenters.request(request))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a pending request; the last approval needed applies the move."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The request's id.") var id: String
        @Option(help: "A comment (recorded with the approval).") var comment: String?

        func run() async throws {
            try await options.withClient { client in
                let outcome = try await client.approveRequest(id: id, comment: comment)
                if options.json { return try options.printJSON(outcome) }
                guard let request = outcome.request else {
                    throw CairnClientError(
                        code: CairnClientError.invalidResponse,
                        message: "The server's answer to an approval names no request."
                    )
                }
                if outcome.applied {
                    print(
                        "Approved request \(id) (\(Presenters.approvals(request)) approvals): version "
                            + "\(request.version) of '\(request.model)' is now at \(Presenters.target(request.target))."
                    )
                } else {
                    print(
                        "Approved request \(id): \(Presenters.approvals(request)) approvals; still pending until "
                            + "\(request.requiredApprovals) approvers approve."
                    )
                }
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a pending request, saying why.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The request's id.") var id: String
        @Option(help: "Why the request is rejected (required).") var comment: String

        func validate() throws {
            if comment.allSatisfy(\.isWhitespace) { throw ValidationError("Say why: give --comment TEXT.") }
        }

        func run() async throws {
            try await options.withClient { client in
                let request = try await client.rejectRequest(id: id, comment: comment)
                try options.json
                    ? options.printJSON(request)
                    : print("Rejected request \(id) (version \(request.version) of '\(request.model)').")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a pending request (its requester, or an admin)."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The request's id.") var id: String
        @Option(help: "Why (recorded in the audit log).") var comment: String?

        func run() async throws {
            try await options.withClient { client in
                let request = try await client.cancelRequest(id: id, comment: comment)
                try options.json
                    ? options.printJSON(request)
                    : print("Cancelled request \(id) (version \(request.version) of '\(request.model)').")
            }
        }
    }
}

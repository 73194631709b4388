import CairnCore
import Foundation
import Testing

// MARK: - Governance: events by model id, and filtered event queries

extension MetadataStoreConformance {
    static let governanceEventCases: [MetadataStoreConformanceCase] = [
        .init("events keep their model id, which is part of the chain hash") { store in
            let log = try await append(
                store,
                [
                    (1000, "alice", "model.created", "model/fraud", "m1"),
                    (2000, "root", "account.created", "account/alice", nil),
                    (3000, "alice", "model.renamed", "model/fraud", "m1"),
                ]
            )
            let stored = try await store.read { try await $0.events(afterSequence: 0, limit: 10) }
            #expect(stored == log)
            #expect(stored.map(\.modelID) == ["m1", nil, "m1"])
            #expect(try await store.read { try await $0.lastEvent() }?.modelID == "m1")
            #expect(EventChain.verify(stored) == nil)
            // The model id is hashed: dropping it from the first event breaks the chain there.
            var stripped = stored
            stripped[0].modelID = nil
            #expect(EventChain.verify(stripped)?.sequence == 1)
        },
        .init("events(matching:) filters by each field of the query, ascending after a sequence, at most a limit") {
            store in
            try await append(store, filterLog)
            func sequences(_ query: EventQuery, after: Int64 = 0, limit: Int = 100) async throws -> [Int64] {
                try await store.read { try await $0.events(matching: query, afterSequence: after, limit: limit) }
                    .map(\.sequence)
            }
            #expect(try await sequences(EventQuery()) == Array(1...11))
            #expect(try await sequences(EventQuery(modelID: "m1")) == [1, 2, 3, 4])
            #expect(try await sequences(EventQuery(modelID: "m2")) == [5, 6])
            #expect(try await sequences(EventQuery(modelID: "m")) == [])
            #expect(try await sequences(EventQuery(modelSubject: "model/fraud")) == [1, 2, 3, 4])
            // Events without a model id (written before events carried one) join by subject, those with one never.
            #expect(try await sequences(EventQuery(modelID: "m3", legacySubject: "model/a_b%c")) == [7, 9])
            #expect(try await sequences(EventQuery(modelID: "m1", legacySubject: "model/a_b%c")) == [1, 2, 3, 4, 9])
            #expect(try await sequences(EventQuery(modelID: "m9", legacySubject: "model/fraud")) == [])
            #expect(try await sequences(EventQuery(modelID: "m9", legacySubject: "model/Fraud")) == [10])
            #expect(
                try await sequences(EventQuery(modelID: "m1", legacySubject: "model/a_b%c", action: "access")) == [9]
            )
            #expect(try await sequences(EventQuery(modelSubject: "model/fraud/version/1")) == [2, 3])
            #expect(try await sequences(EventQuery(modelSubject: "model/FRAUD")) == [])
            // LIKE and GLOB wildcards in a name match only themselves.
            #expect(try await sequences(EventQuery(modelSubject: "model/a_b%c")) == [7, 9])
            #expect(try await sequences(EventQuery(modelSubject: "model/a%")) == [])
            #expect(try await sequences(EventQuery(modelSubject: "model/a*b")) == [11])
            #expect(try await sequences(EventQuery(modelSubject: "model/a?b")) == [])
            #expect(try await sequences(EventQuery(versionNumber: 1)) == [2, 3, 6, 9])
            #expect(try await sequences(EventQuery(versionNumber: 11)) == [4])
            #expect(try await sequences(EventQuery(versionNumber: 2)) == [])
            #expect(try await sequences(EventQuery(actor: "alice")) == [1, 3, 5, 7, 8, 10])
            #expect(try await sequences(EventQuery(actor: "ALICE")) == [])
            #expect(try await sequences(EventQuery(actor: "a%")) == [11])
            #expect(try await sequences(EventQuery(action: "transition")) == [3, 4, 7])
            #expect(try await sequences(EventQuery(action: "model")) == [1, 5, 8, 11])
            #expect(try await sequences(EventQuery(action: "model.created")) == [1, 5, 11])
            #expect(try await sequences(EventQuery(action: "MODEL")) == [10])
            #expect(try await sequences(EventQuery(action: "transition%")) == [])
            #expect(try await sequences(EventQuery(action: "access_denied")) == [])
            #expect(try await sequences(EventQuery(action: "access")) == [9])
            #expect(try await sequences(EventQuery(since: at(3000))) == Array(3...11))
            #expect(try await sequences(EventQuery(until: at(3000))) == [1, 2])
            #expect(try await sequences(EventQuery(since: at(3000), until: at(5000))) == [3, 4])
            // Between two milliseconds: an event at 3000 ms is before 3000.4 ms.
            #expect(try await sequences(EventQuery(since: at(3000).addingTimeInterval(0.0004))) == Array(4...11))
            #expect(try await sequences(EventQuery(until: at(3000).addingTimeInterval(0.0004))) == [1, 2, 3])
            #expect(try await sequences(EventQuery(until: .distantPast)) == [])
            #expect(try await sequences(EventQuery(since: .distantPast, until: .distantFuture)) == Array(1...11))
            #expect(try await sequences(EventQuery(modelID: "m1", versionNumber: 1, action: "transition")) == [3])
            #expect(try await sequences(EventQuery(modelID: "m1"), after: 2, limit: 1) == [3])
            #expect(try await sequences(EventQuery(modelID: "m1"), after: 4) == [])
            #expect(try await sequences(EventQuery(), after: 2, limit: 3) == [3, 4, 5])
            #expect(try await sequences(EventQuery(), limit: 0) == [])
            let inside = try await store.write {
                try await $0.events(matching: EventQuery(actor: "bob"), afterSequence: 0, limit: 10)
            }
            #expect(inside.map(\.sequence) == [2, 6])
        },
        .init("events(matching:) returns exactly the events EventQuery.matches selects, on a mixed log") { store in
            let log = try await append(store, mixedLog)
            for query in agreementQueries {
                let expected = log.filter { query.matches($0) }
                let found = try await store.read { try await $0.events(matching: query, afterSequence: 0, limit: 1000) }
                #expect(found == expected, "\(query)")
                // Paging by sequence gives the same events.
                var paged: [AuditEvent] = []
                while true {
                    let after = paged.last?.sequence ?? 0
                    let page = try await store.read {
                        try await $0.events(matching: query, afterSequence: after, limit: 7)
                    }
                    paged += page
                    if page.count < 7 { break }
                }
                #expect(paged == expected, "paged: \(query)")
            }
        },
    ]
}

// MARK: - Event fixtures

extension MetadataStoreConformance {
    /// An event to append: milliseconds after ``at(_:)``'s origin, actor, action, subject, model id.
    typealias EventSpec = (ms: Int64, actor: String, action: String, subject: String, modelID: String?)

    /// Appends `specs` as a valid chain, one write each, and returns the events.
    @discardableResult
    static func append(_ store: any MetadataStore, _ specs: [EventSpec]) async throws -> [AuditEvent] {
        var log: [AuditEvent] = []
        for spec in specs {
            let event = EventChain.next(
                after: log.last,
                time: at(spec.ms),
                actor: spec.actor,
                action: spec.action,
                subject: spec.subject,
                payload: "{\"n\":\(log.count + 1)}",
                modelID: spec.modelID
            )
            try await store.write { try await $0.appendEvent(event) }
            log.append(event)
        }
        return log
    }

    /// A log built so that each filter has a near miss: a name that is a prefix without the slash, an action that
    /// is a prefix without the dot, a version number that is a suffix of another, and names holding wildcards.
    static let filterLog: [EventSpec] = [
        (1000, "alice", "model.created", "model/fraud", "m1"),
        (2000, "bob", "version.created", "model/fraud/version/1", "m1"),
        (3000, "alice", "transition.requested", "model/fraud/version/1", "m1"),
        (4000, "carol", "transition.approved", "model/fraud/version/11", "m1"),
        (5000, "alice", "model.created", "model/fraud-v2", "m2"),
        (6000, "bob", "transitions.x", "model/fraud2/version/1", "m2"),
        (7000, "alice", "transition", "model/a_b%c", "m3"),
        (8000, "alice", "model.renamed", "model/aXbYc", "m4"),
        (9000, "dave", "access.denied", "model/a_b%c/version/1", nil),
        (10000, "alice", "MODEL", "model/Fraud", nil),
        (11000, "a%", "model.created", "model/a*b", "m5"),
    ]

    /// 64 events mixing subjects, actions, actors and model ids that sit close to each other.
    static var mixedLog: [EventSpec] {
        let modelIDs: [String?] = ["m1", "m2", nil, "m%"]
        return (0..<64).map { i -> EventSpec in
            (
                Int64(i / 2) * 1000,
                mixedActors[(i * 5) % mixedActors.count],
                mixedActions[(i * 3) % mixedActions.count],
                mixedSubjects[i % mixedSubjects.count],
                modelIDs[i % modelIDs.count]
            )
        }
    }

    static let mixedActors = ["alice", "bob", "Alice", "a%", "a_ice"]
    static let mixedActions = [
        "model.created", "model.renamed", "transition", "transition.requested", "transitions.x", "access_denied",
        "access.denied", "Model.created", "model",
    ]
    static let mixedSubjects = [
        "model/fraud", "model/fraud/version/1", "model/fraud/version/12", "model/fraud-v2", "model/fraud2/version/2",
        "model/a_b%c", "model/aXbYc", "model/a_b%c/version/1", "model/a*b", "model/aXXb/version/2", "model/Fraud",
        "model/fraud/", "account/alice", "model/[x]", "model/x", "run/1/version/1", "model/fraud/version/1/extra",
    ]

    static var agreementQueries: [EventQuery] {
        var queries: [EventQuery] = [EventQuery()]
        let subjects = ["model/fraud", "model/a_b%c", "model/a%", "model/a*b", "model/[x]", "model/Fraud", "model", ""]
        queries += subjects.map { EventQuery(modelSubject: $0) }
        queries += [1, 2, 12, 0].map { EventQuery(versionNumber: $0) }
        queries += mixedActors.map { EventQuery(actor: $0) } + [EventQuery(actor: "a_")]
        let actions = ["model", "transition", "access_denied", "access", "Model", "model.created", "trans", ""]
        queries += actions.map { EventQuery(action: $0) }
        queries += ["m1", "m%", "m"].map { EventQuery(modelID: $0) }
        queries += subjects.map { EventQuery(modelID: "m1", legacySubject: $0) }
        queries += [
            EventQuery(since: at(10_000)), EventQuery(until: at(10_000)),
            EventQuery(since: at(9_999).addingTimeInterval(0.0006), until: at(20_000).addingTimeInterval(-0.0003)),
        ]
        // Combinations: every field at once, cycling through the values above.
        for i in 0..<24 {
            queries.append(
                EventQuery(
                    modelID: i % 3 == 0 ? nil : ["m1", "m2", "m%"][i % 3],
                    modelSubject: i % 2 == 0 ? nil : subjects[i % subjects.count],
                    versionNumber: i % 4 == 1 ? [1, 2, 12][i % 3] : nil,
                    actor: i % 5 == 2 ? mixedActors[i % mixedActors.count] : nil,
                    action: i % 3 == 1 ? actions[i % actions.count] : nil,
                    since: i % 6 == 3 ? at(Int64(i) * 1000) : nil,
                    until: i % 7 == 4 ? at(Int64(i) * 2000) : nil
                )
            )
        }
        return queries
    }
}

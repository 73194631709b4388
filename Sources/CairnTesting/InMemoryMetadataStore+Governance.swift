import CairnCore
import Foundation

/// The governance tables of the in-memory store, as values.
struct GovernanceTables: Sendable {
    /// By model id; `nil` keys the registry-wide default.
    var policies: [String?: StoredPolicy] = [:]
    /// By id; `modelName` is filled in from the models on every read, as the SQL stores join it.
    var requests: [String: TransitionRequest] = [:]
    /// By version id.
    var cards: [String: StoredModelCard] = [:]
}

// MARK: - State

extension InMemoryState {
    func transitionRequest(id: String) -> TransitionRequest? { governance.requests[id].flatMap(named) }

    func transitionRequests(modelID: String?, state: TransitionRequest.State?, after: RequestCursor?, limit: Int)
        -> [TransitionRequest]
    {
        let matching = governance.requests.values.filter { request in
            if let modelID, request.modelID != modelID { return false }
            if let state, request.state != state { return false }
            if let after, !after.precedes(request) { return false }
            return true
        }
        let newestFirst = matching.sorted { a, b in
            a.createdAt != b.createdAt ? a.createdAt > b.createdAt : precedes(Array(b.id.utf8), Array(a.id.utf8))
        }
        return Array(newestFirst.compactMap(named).prefix(max(limit, 0)))
    }

    func events(matching query: EventQuery, afterSequence: Int64, limit: Int) -> [AuditEvent] {
        Array(events.lazy.filter { $0.sequence > afterSequence && query.matches($0) }.prefix(max(limit, 0)))
    }

    /// The request with its model's current name, or `nil` when the model is gone (the SQL stores join it).
    func named(_ request: TransitionRequest) -> TransitionRequest? {
        guard let model = models[request.modelID] else { return nil }
        var request = request
        request.modelName = model.name
        return request
    }

    mutating func setPolicy(_ stored: StoredPolicy) throws {
        var stored = stored
        // What the SQL stores keep is the canonical document; reading it back gives this policy.
        stored.policy = try Policy(stored.policy.document)
        stored.updatedAt = millis(stored.updatedAt)
        governance.policies[stored.modelID] = stored
    }

    mutating func insertTransitionRequest(_ request: TransitionRequest) throws {
        if governance.requests[request.id] != nil {
            throw RegistryError(
                .alreadyExists,
                "A transition request with the id \(request.id) already exists; ids come from the service's generator."
            )
        }
        guard models[request.modelID] != nil else { throw Self.modelNotFound(request.modelID) }
        governance.requests[request.id] = Self.millisecondPrecise(request)
    }

    mutating func updateTransitionRequest(_ request: TransitionRequest) throws {
        guard let stored = governance.requests[request.id] else {
            throw RegistryError(.notFound, "No transition request has the id \(request.id).")
        }
        // The model and version of a request never change, as in the SQL stores.
        var request = Self.millisecondPrecise(request)
        request.modelID = stored.modelID
        request.versionID = stored.versionID
        governance.requests[request.id] = request
    }

    mutating func setModelCard(_ stored: StoredModelCard) throws {
        guard versions[stored.versionID] != nil else {
            throw RegistryError(.notFound, "No model version has the id \(stored.versionID); it may have been deleted.")
        }
        var stored = stored
        stored.card = try ModelCard(stored.card.document)
        stored.updatedAt = millis(stored.updatedAt)
        governance.cards[stored.versionID] = stored
    }

    private static func millisecondPrecise(_ request: TransitionRequest) -> TransitionRequest {
        var request = request
        request.createdAt = millis(request.createdAt)
        request.updatedAt = millis(request.updatedAt)
        for index in request.decisions.indices { request.decisions[index].time = millis(request.decisions[index].time) }
        return request
    }
}

// MARK: - The port

extension InMemoryMetadataStore.Reader {
    func policy(modelID: String?) async throws -> StoredPolicy? { state.governance.policies[modelID] }
    func transitionRequest(id: String) async throws -> TransitionRequest? { state.transitionRequest(id: id) }
    func transitionRequests(modelID: String?, state: TransitionRequest.State?, after: RequestCursor?, limit: Int)
        async throws -> [TransitionRequest]
    {
        self.state.transitionRequests(modelID: modelID, state: state, after: after, limit: limit)
    }
    func modelCard(versionID: String) async throws -> StoredModelCard? { state.governance.cards[versionID] }
    func events(matching query: EventQuery, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        state.events(matching: query, afterSequence: afterSequence, limit: limit)
    }
}

extension InMemoryMetadataStore.Transaction {
    func policy(modelID: String?) async throws -> StoredPolicy? { try await reader().policy(modelID: modelID) }
    func transitionRequest(id: String) async throws -> TransitionRequest? {
        try await reader().transitionRequest(id: id)
    }
    func transitionRequests(modelID: String?, state: TransitionRequest.State?, after: RequestCursor?, limit: Int)
        async throws -> [TransitionRequest]
    {
        try await reader().transitionRequests(modelID: modelID, state: state, after: after, limit: limit)
    }
    func modelCard(versionID: String) async throws -> StoredModelCard? {
        try await reader().modelCard(versionID: versionID)
    }
    func events(matching query: EventQuery, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        try await reader().events(matching: query, afterSequence: afterSequence, limit: limit)
    }

    func setPolicy(_ policy: StoredPolicy) async throws { try await mutate { try $0.setPolicy(policy) } }
    func deletePolicy(modelID: String?) async throws -> Bool {
        try await mutate { $0.governance.policies.removeValue(forKey: modelID) != nil }
    }
    func insertTransitionRequest(_ request: TransitionRequest) async throws {
        try await mutate { try $0.insertTransitionRequest(request) }
    }
    func updateTransitionRequest(_ request: TransitionRequest) async throws {
        try await mutate { try $0.updateTransitionRequest(request) }
    }
    func setModelCard(_ card: StoredModelCard) async throws { try await mutate { try $0.setModelCard(card) } }
}

import CairnCore
import CairnWire
import Foundation
import NIOHTTP1

/// Governance: approval policies, promotions and the transition requests they create, model cards and rollback.
///
/// A policy guards stages and aliases: a promotion into a guarded target is checked against the policy's gates and,
/// when they pass, becomes a pending transition request that approvers decide on. Setting and deleting policies needs
/// the admin role, approving and rejecting the approver role; the server answers `PERMISSION_DENIED` (HTTP 403)
/// otherwise. A failing gate is `FAILED_PRECONDITION` (HTTP 409) with a message naming the gate.
extension CairnClient {
    // MARK: - Policies

    /// `GET /api/v1/models/{name}/policy`: the policy governing a model — its own, else the default (`source` says
    /// which; `none` when neither exists). Throws `NOT_FOUND` for an unknown model.
    public func policy(model: String) async throws -> PolicyDTO {
        try await send(.GET, APIPath("models", model, "policy"))
    }

    /// `GET /api/v1/policies/default`: the registry-wide default policy (`source` is `none` when there is none).
    public func defaultPolicy() async throws -> PolicyDTO {
        try await send(.GET, APIPath("policies", "default"))
    }

    /// `PUT /api/v1/models/{name}/policy`: sets a model's own policy, which replaces the default for it entirely.
    /// Idempotent. Throws `INVALID_ARGUMENT` naming the field at fault (`stages.Production.approvals: …`); nothing is
    /// changed then.
    /// - Parameter document: The policy document (see `PolicyDocument.swift` in CairnCore for its fields).
    public func setPolicy(model: String, _ document: DocumentValue) async throws -> PolicyDTO {
        try await send(.PUT, APIPath("models", model, "policy"), body: document)
    }

    /// `PUT /api/v1/policies/default`: sets the default policy, which governs every model without one of its own.
    /// Idempotent. Throws `INVALID_ARGUMENT` naming the field at fault.
    public func setDefaultPolicy(_ document: DocumentValue) async throws -> PolicyDTO {
        try await send(.PUT, APIPath("policies", "default"), body: document)
    }

    /// `DELETE /api/v1/models/{name}/policy`: removes a model's own policy; the default applies to it again.
    /// Throws `NOT_FOUND` when the model has no policy of its own.
    public func deletePolicy(model: String) async throws {
        try await sendRaw(.DELETE, APIPath("models", model, "policy"))
    }

    /// `DELETE /api/v1/policies/default`: removes the default policy. Throws `NOT_FOUND` when there is none.
    public func deleteDefaultPolicy() async throws {
        try await sendRaw(.DELETE, APIPath("policies", "default"))
    }

    // MARK: - Promotions and requests

    /// `POST /api/v1/models/{name}/versions/{n}/promote`: moves a version into a stage or points an alias at it.
    ///
    /// The answer's `applied` says what happened: `true` (HTTP 200) when the move was made at once (no policy guards
    /// the target, or its rule needs no approvals); `false` (HTTP 202) when a transition request was created and is
    /// pending approval (`request` holds it, with every gate result).
    /// - Throws: ``CairnClientError``: `FAILED_PRECONDITION` naming the failing gate(s), or when the version is not
    ///   `READY` or already at the target; `NOT_FOUND`; `INVALID_ARGUMENT` unless exactly one of `stage` and `alias`
    ///   is set.
    public func promote(model: String, version: Int, _ request: PromoteRequest) async throws -> TransitionOutcomeDTO {
        try await send(.POST, versionPath(model, version).appending("promote"), body: request)
    }

    /// Moves a version into `stage` (`Staging`, `Production`, `Archived`, `None`); see
    /// ``promote(model:version:_:)``.
    /// - Parameter archiveExisting: Archive the other versions in the stage once the move is applied.
    public func promote(
        model: String,
        version: Int,
        stage: String,
        archiveExisting: Bool = false,
        comment: String? = nil
    ) async throws -> TransitionOutcomeDTO {
        try await promote(
            model: model,
            version: version,
            PromoteRequest(stage: stage, archiveExisting: archiveExisting ? true : nil, comment: comment)
        )
    }

    /// Points `alias` at a version; see ``promote(model:version:_:)``.
    public func promote(model: String, version: Int, alias: String, comment: String? = nil) async throws
        -> TransitionOutcomeDTO
    {
        try await promote(model: model, version: version, PromoteRequest(alias: alias, comment: comment))
    }

    /// `GET /api/v1/requests`: one page of transition requests, newest first.
    /// - Parameters:
    ///   - model: Only this model's requests (`NOT_FOUND` if it does not exist).
    ///   - state: `pending`, `approved`, `rejected`, `cancelled` or `superseded`.
    ///   - pageToken: The previous page's `nextPageToken`.
    ///   - limit: 1 to 1000 (the server's default is 100).
    public func listRequests(
        model: String? = nil,
        state: String? = nil,
        pageToken: String? = nil,
        limit: Int? = nil
    ) async throws -> TransitionRequestListDTO {
        let path = APIPath("requests")
            .query("model", model)
            .query("state", state)
            .query("page_token", pageToken)
            .query("limit", limit.map(String.init))
        return try await send(.GET, path)
    }

    /// `GET /api/v1/requests/{id}`: one request with its gate results and decisions. Throws `NOT_FOUND`.
    public func request(id: String) async throws -> TransitionRequestDTO {
        try await send(.GET, APIPath("requests", id))
    }

    /// `POST /api/v1/requests/{id}/approve`: adds the caller's approval. The last approval needed re-checks the gates
    /// and applies the move (`applied` is then `true`).
    /// - Throws: ``CairnClientError``: `PERMISSION_DENIED` for the requester (four eyes) or, under separation of
    ///   duties, the version's creator; `FAILED_PRECONDITION` when the request is not pending, the caller already
    ///   decided, or a gate fails now.
    public func approveRequest(id: String, comment: String? = nil) async throws -> TransitionOutcomeDTO {
        try await send(.POST, APIPath("requests", id, "approve"), body: DecisionRequest(comment: comment))
    }

    /// `POST /api/v1/requests/{id}/reject`: rejects a pending request; `comment` (why) is required.
    public func rejectRequest(id: String, comment: String) async throws -> TransitionRequestDTO {
        try await send(.POST, APIPath("requests", id, "reject"), body: DecisionRequest(comment: comment))
    }

    /// `POST /api/v1/requests/{id}/cancel`: withdraws a pending request (its requester, or an admin).
    public func cancelRequest(id: String, comment: String? = nil) async throws -> TransitionRequestDTO {
        try await send(.POST, APIPath("requests", id, "cancel"), body: DecisionRequest(comment: comment))
    }

    /// `POST /api/v1/models/{name}/rollback`: puts the previous Production version back into Production and archives
    /// the current one, recording `reason`. Throws `FAILED_PRECONDITION` when no earlier Production version exists.
    public func rollback(model: String, reason: String) async throws -> RollbackDTO {
        try await send(.POST, APIPath("models", model, "rollback"), body: RollbackRequest(reason: reason))
    }

    // MARK: - Model cards

    /// `GET …/versions/{n}/card`: a version's model card (revision 0, every field empty, when none was written).
    public func modelCard(model: String, version: Int) async throws -> ModelCardDTO {
        try await send(.GET, versionPath(model, version).appending("card"))
    }

    /// `GET …/versions/{n}/card?format=markdown`: the model card as a Markdown document.
    public func modelCardMarkdown(model: String, version: Int) async throws -> String {
        let bytes = try await sendRaw(.GET, versionPath(model, version).appending("card").query("format", "markdown"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `PUT …/versions/{n}/card`: replaces a version's model card (absent fields become empty). Allowed after sealing;
    /// every change is recorded.
    /// - Parameter expectedRevision: Apply only if the card is still at this revision; a read-modify-write passes the
    ///   revision it read, so a concurrent edit is refused (`FAILED_PRECONDITION`) rather than lost.
    /// - Throws: ``CairnClientError``: `INVALID_ARGUMENT` naming the field at fault, `FAILED_PRECONDITION`.
    public func setModelCard(
        model: String,
        version: Int,
        card: DocumentValue,
        expectedRevision: Int? = nil
    ) async throws -> ModelCardDTO {
        try await send(
            .PUT,
            versionPath(model, version).appending("card"),
            body: SetModelCardRequest(card: card, expectedRevision: expectedRevision)
        )
    }
}

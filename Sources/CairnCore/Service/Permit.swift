import Foundation

/// Proof that a use case's rule admitted its caller: every read and write of an area's ``StorePort`` takes one, and
/// only the admission functions below can make one (decision 0018). A use case that has not been admitted cannot
/// reach the store, and it can only be admitted under a ``UseCase``, whose rule the compiler demands.
public struct Permit: Sendable {
    /// The use case admitted.
    public let useCase: UseCase
    /// Who was admitted (``Principal/system`` for background jobs and start-up).
    public let actor: Principal

    fileprivate init(_ useCase: UseCase, _ actor: Principal) {
        self.useCase = useCase
        self.actor = actor
    }
}

extension ServiceCore {
    /// Admits `actor` to `useCase` when its rule (``UseCaseRule/Need/onModel(_:)``, `global` or `onModelOrGlobal`)
    /// allows the action on `model`. A refusal the rule records is appended as `access.denied` (in a transaction of
    /// its own) before it is thrown.
    ///
    /// `attempted` names the operation for the audit log ("delete model 'fraud'"); it must hold no secret.
    /// - Throws: `.permissionDenied` with the reason; `.unauthenticated` for an anonymous actor.
    func admit(
        _ useCase: UseCase,
        _ actor: Principal,
        model: String?,
        attempted: @autoclosure () -> String? = nil
    ) async throws -> Permit {
        let rule = useCase.rule
        let action: Action
        switch rule.need {
        case .onModel(let needed):
            precondition(model != nil, "\(useCase) is admitted on a model")
            action = needed
        case .global(let needed):
            precondition(model == nil, "\(useCase) is admitted globally")
            action = needed
        case .onModelOrGlobal(let needed):
            action = needed
        case .administerOrSelf, .administerOrRequester, .system, .unguarded:
            preconditionFailure("\(useCase) is not admitted by an action on a model")
        }
        try await require(rule, actor, action, model: model, attempted: attempted() ?? useCase.rawValue)
        return Permit(useCase, actor)
    }

    /// Admits `actor` to an ``UseCaseRule/Need/administerOrSelf`` use case about `account`: an admin, or the account
    /// itself (its own password, tokens and grants list). With no account (none found), only an admin.
    func admit(_ useCase: UseCase, _ actor: Principal, account: Account?, attempted: String) async throws -> Permit {
        precondition(useCase.rule.need == .administerOrSelf, "\(useCase) is not admitted by account")
        let isSelf = (actor.kind == .user || actor.kind == .serviceAccount) && actor.id == account?.id
        if !isSelf {
            try await require(useCase.rule, actor, .administer, model: nil, attempted: attempted)
        }
        return Permit(useCase, actor)
    }

    /// Admits `actor` to an ``UseCaseRule/Need/administerOrRequester`` use case about `request`: ``Action/write`` on
    /// its model for its own requester (never an anonymous one), else ``Action/administer`` on the model.
    func admit(
        _ useCase: UseCase,
        _ actor: Principal,
        request: TransitionRequest,
        attempted: String
    ) async throws -> Permit {
        precondition(useCase.rule.need == .administerOrRequester, "\(useCase) is not admitted by request")
        let action: Action = request.requestedBy == actor.name && actor.kind != .anonymous ? .write : .administer
        try await require(useCase.rule, actor, action, model: request.modelName, attempted: attempted)
        return Permit(useCase, actor)
    }

    /// Admits `actor` to look up the record a use case is about before its rule can be checked: a version or
    /// transition request by id (its model is not known yet), the account of an ``UseCaseRule/Need/administerOrSelf``
    /// use case. Refuses only a caller who may read no model at all (any caller, for an account). What the lookup
    /// finds is then checked against the model it names (``requireReadable(_:model:notFound:)``), and a change is
    /// admitted by the use case's own rule.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous).
    func admitLookup(_ useCase: UseCase, _ actor: Principal) throws(RegistryError) -> Permit {
        let rule = useCase.rule
        precondition(rule.action != nil, "\(useCase) takes no actor")
        let readsAnyModel = actor.kind == .system || actor.grants.contains(where: { $0.role.allows(.read) })
        if rule.need != .administerOrSelf, !readsAnyModel {
            try Authorization.require(actor, .read, model: nil)
        }
        return Permit(useCase, actor)
    }

    /// Admits a system use case (start-up, a background job) or an unguarded one (authentication, recording a
    /// refusal, an upload part carrying its part token), acting as ``Principal/system``.
    func admitUnguarded(_ useCase: UseCase) -> Permit {
        precondition(useCase.rule.action == nil, "\(useCase) is guarded; admit its caller")
        return Permit(useCase, .system)
    }

    private func require(
        _ rule: UseCaseRule,
        _ actor: Principal,
        _ action: Action,
        model: String?,
        attempted: @autoclosure () -> String
    ) async throws {
        guard case .denied(let reason) = Authorization.decide(actor, action, model: model) else { return }
        if rule.recordsDenial {
            try await recordDenial(actor: actor, action: action, model: model, attempted: attempted(), reason: reason)
        }
        throw Authorization.refusal(actor, action, model: model, reason: reason)
    }
}

/// An area's view of the metadata store: reads and writes see only the area's `Reader` and `Transaction` ports (one
/// store, one transaction, one event chain underneath), and each takes the ``Permit`` of the use case it serves.
struct StorePort<Reader, Transaction>: Sendable {
    private let base: any MetadataStore
    private let reader: @Sendable (any MetadataReader) -> Reader
    private let transaction: @Sendable (any MetadataTransaction) -> Transaction

    init(
        _ base: any MetadataStore,
        reader: @escaping @Sendable (any MetadataReader) -> Reader,
        transaction: @escaping @Sendable (any MetadataTransaction) -> Transaction
    ) {
        self.base = base
        self.reader = reader
        self.transaction = transaction
    }

    /// ``MetadataStore/read(_:)`` for the admitted use case.
    func read<T: Sendable>(_ permit: Permit, _ body: @Sendable (Reader) async throws -> T) async throws -> T {
        try await base.read { try await body(reader($0)) }
    }

    /// ``MetadataStore/write(_:)`` for the admitted use case.
    func write<T: Sendable>(_ permit: Permit, _ body: @Sendable (Transaction) async throws -> T) async throws -> T {
        try await base.write { try await body(transaction($0)) }
    }

    /// ``MetadataStore/resolve(modelName:reference:)`` for the admitted use case.
    func resolve(_ permit: Permit, modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        try await base.resolve(modelName: modelName, reference: reference)
    }
}

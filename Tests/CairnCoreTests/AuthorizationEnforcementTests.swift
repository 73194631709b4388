import CairnCore
import CairnTesting
import Foundation
import Testing

/// Every public use case of `RegistryService` against every kind of principal (decision 0007): allowed calls succeed,
/// refused ones throw the right code, change nothing, and refused guarded actions are recorded.
@Suite("Authorization is enforced by every use case")
struct AuthorizationEnforcementTests {
    /// A principal under test and, written out by hand, what it may do: `allows(action, model)`.
    struct Who: Sendable {
        var label: String
        var principal: Principal
        var allows: @Sendable (Action, String?) -> Bool
    }

    static let everyone: [Who] = [
        Who(label: "anonymous (none)", principal: .anonymous(.none)) { _, _ in false },
        Who(label: "anonymous (viewer)", principal: .anonymous(.viewer)) { action, _ in action == .read },
        Who(label: "anonymous (editor)", principal: .anonymous(.editor)) { action, _ in
            [.read, .write].contains(action)
        },
        Who(label: "anonymous (maintainer)", principal: .anonymous(.maintainer)) { action, _ in
            [.read, .write, .delete].contains(action)
        },
        Who(label: "viewer", principal: .testUser("vera", Grant(.viewer))) { action, _ in action == .read },
        Who(label: "maintainer", principal: .testUser("max", Grant(.maintainer))) { action, _ in
            [.read, .write, .delete].contains(action)
        },
        Who(label: "editor", principal: .testUser("ed", Grant(.editor))) { action, _ in
            [.read, .write].contains(action)
        },
        Who(label: "approver", principal: .testUser("abe", Grant(.approver))) { action, _ in
            [.read, .approve].contains(action)
        },
        Who(label: "admin", principal: .testUser("ada", Grant(.admin))) { _, _ in true },
        Who(label: "system", principal: .system) { _, _ in true },
        Who(label: "editor of 'other'", principal: .testUser("olga", Grant(.editor, .model("other")))) {
            action,
            model in
            model == "other" && [.read, .write].contains(action)
        },
        Who(label: "editor of prefix 'fra'", principal: .testUser("pat", Grant(.editor, .modelPrefix("fra")))) {
            action,
            model in model?.hasPrefix("fra") == true && [.read, .write].contains(action)
        },
        Who(label: "admin of 'fraud'", principal: .testUser("mia", Grant(.admin, .model("fraud")))) { _, model in
            model == "fraud"
        },
    ]

    @Test("each use case allows exactly the principals its action allows", arguments: EnforcementCase.all)
    func enforced(_ useCase: EnforcementCase) async throws {
        for who in Self.everyone {
            let fixture = try await EnforcementFixture.make()
            let permitted = useCase.needs.allSatisfy { who.allows($0.action, $0.model) }
            // Anonymous callers permitted the action are still refused on a guarded model, before anything is recorded.
            let anonymousOnGuarded = permitted && useCase.refusesAnonymous && who.principal.kind == .anonymous
            let allowed = permitted && !anonymousOnGuarded
            let writesBefore = fixture.store.generation
            let eventsBefore = try await fixture.service.allEvents()
            let blobsBefore = fixture.blobs.storedDigests
            do {
                try await useCase.call(fixture.service, who.principal, fixture)
                #expect(allowed, "\(who.label) was allowed \(useCase.testDescription)")
                continue
            } catch let error as RegistryError {
                guard !allowed else {
                    Issue.record("\(who.label) was refused \(useCase.testDescription): \(error)")
                    continue
                }
                #expect(error.code == expectedCode(useCase, who), "\(who.label): \(error)")
            }
            // A refusal changed nothing: no write but the recorded denial, no blob, no upload left open.
            let events = try await fixture.service.allEvents()
            // A lookup by id records a refusal only when the caller may see what the id names.
            let denied =
                useCase.records && !anonymousOnGuarded
                && (!useCase.hidesExistence || who.allows(.read, useCase.needs.first?.model))
            #expect(fixture.store.generation - writesBefore == (denied ? 1 : 0), "\(who.label)")
            #expect(Array(events.prefix(eventsBefore.count)) == eventsBefore)
            #expect(events.count == eventsBefore.count + (denied ? 1 : 0), "\(who.label)")
            if denied {
                #expect(events.last?.action == "access.denied" && events.last?.actor == who.principal.name)
            }
            #expect(fixture.blobs.storedDigests == blobsBefore && fixture.blobs.openUploadCount == 0)
        }
    }

    /// Anonymous callers are asked to sign in; a lookup by id hides what the caller may not read; else 403.
    private func expectedCode(_ useCase: EnforcementCase, _ who: Who) -> RegistryError.Code {
        if who.principal.kind == .anonymous { return .unauthenticated }
        let readable = who.allows(.read, useCase.needs.first?.model)
        return useCase.hidesExistence && !readable ? .notFound : .permissionDenied
    }

    @Test("every use case that takes an actor has a probe, and each probe checks what the use case's rule says")
    func probesMatchRules() {
        for probe in EnforcementCase.all {
            let rule = probe.useCase.rule
            guard let first = probe.needs.first else {
                Issue.record("\(probe.useCase) is probed without a need")
                continue
            }
            switch rule.need {
            case .onModel(let action): #expect(first.action == action && first.model != nil, "\(probe.useCase)")
            case .global(let action): #expect(first.action == action && first.model == nil, "\(probe.useCase)")
            case .onModelOrGlobal(let action): #expect(first.action == action, "\(probe.useCase)")
            case .administerOrSelf: #expect(first.action == .administer && first.model == nil)
            case .administerOrRequester: #expect(first.action == .administer && first.model != nil)
            case .system, .unguarded: Issue.record("\(probe.useCase) takes no actor, yet it is probed")
            }
            if probe.records { #expect(rule.recordsDenial, "\(probe.useCase) records, its rule says not") }
        }
        // `UseCase.allCases` is the compiler's list: a use case added without a probe fails here.
        let probed = Set(EnforcementCase.all.map(\.useCase))
        for useCase in UseCase.allCases where useCase.rule.action != nil {
            #expect(probed.contains(useCase), "no enforcement probe for \(useCase)")
            if useCase.rule.recordsDenial {
                let records = EnforcementCase.all.contains { $0.useCase == useCase && $0.records }
                #expect(records, "no probe shows that \(useCase) records a refusal")
            }
        }
    }

    @Test("Authorization.require asks anonymous callers to sign in and tells accounts what they lack")
    func anonymousIsUnauthenticated() throws {
        #expect(throws: RegistryError.self) { try Authorization.require(.anonymous(.viewer), .write, model: "fraud") }
        do {
            try Authorization.require(.anonymous(.viewer), .write, model: "fraud")
        } catch {
            #expect(error.code == .unauthenticated)
            #expect(error.message.hasPrefix("Sign in"), "\(error.message)")
            #expect(
                error.message.contains("needs the editor, maintainer or admin role; anonymous access here is viewer")
            )
        }
        do {
            try Authorization.require(.anonymous(.editor), .delete, model: "fraud")
        } catch {
            #expect(error.code == .unauthenticated)
            #expect(error.message.contains("needs the maintainer or admin role; anonymous access here is editor"))
        }
        do {
            try Authorization.require(.anonymous(.maintainer), .approve, model: "fraud")
        } catch {
            #expect(error.code == .unauthenticated)
            #expect(error.message.contains("anonymous access here is maintainer (anonymous callers never may)"))
        }
        do {
            try Authorization.require(.testUser("vera", Grant(.viewer)), .write, model: "fraud")
        } catch {
            #expect(error.code == .permissionDenied)
        }
        try Authorization.require(.anonymous(.editor), .write, model: "fraud")
        try Authorization.require(.system, .administer, model: nil)
    }
}

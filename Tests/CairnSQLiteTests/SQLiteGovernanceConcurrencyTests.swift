import CairnCore
import CairnSQLite
import CairnTesting
import Foundation
import Testing

/// Approvals racing on a real database file: the serialized write transaction makes "last approval applies the
/// transition" happen exactly once, however many approvers press the button at the same moment.
@Suite("Governance on SQLite under concurrency")
struct SQLiteGovernanceConcurrencyTests {
    static let approvers = (1...8).map { Principal.testUser("approver-\($0)", Grant(.approver)) }

    @Test("eight approvals at once of a request needing one apply it once; the rest find it approved")
    func racingApprovals() async throws {
        try await withTemporaryStore { store, directory in
            let service = RegistryService(
                store: store,
                blobs: InMemoryBlobStore(),
                ids: RandomIDGenerator()
            )
            let admin = Principal.testAdmin
            _ = try await service.catalog.createModel(name: "fraud", actor: admin)
            _ = try await service.publishVersion(modelName: "fraud", files: ["m.bin": Array("w".utf8)])
            let policy = try Policy(document: Array(#"{"stages": {"Production": {"approvals": 1}}}"#.utf8))
            _ = try await service.governance.setPolicy(modelName: "fraud", policy: policy, actor: admin)
            let requester = Principal.testUser("ed", Grant(.editor))
            let outcome = try await service.governance.requestTransition(
                modelName: "fraud",
                number: 1,
                to: .stage(.production),
                archiveExisting: false,
                comment: "",
                actor: requester
            )
            let id = try #require(outcome.request?.id)
            let results = await withTaskGroup(of: RegistryError.Code?.self) { group in
                for approver in Self.approvers {
                    group.addTask {
                        do {
                            _ = try await service.governance.approveTransition(
                                requestID: id,
                                comment: "",
                                actor: approver
                            )
                            return nil
                        } catch let error as RegistryError {
                            return error.code
                        } catch {
                            return .internalError
                        }
                    }
                }
                return await group.reduce(into: [RegistryError.Code?]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == nil }.count == 1, "\(results)")
            #expect(results.compactMap { $0 }.allSatisfy { $0 == .failedPrecondition }, "\(results)")
            let events = try await service.allEvents()
            #expect(events.filter { $0.action == "version.stage_changed" }.count == 1)
            #expect(events.filter { $0.action == "transition.approved" }.count == 1)
            #expect(try await service.governance.verifyEventChain(actor: admin).broken == nil)
            let request = try await service.governance.transitionRequest(id: id, actor: admin)
            #expect(request.state == .approved && request.decisions.count == 1)
        }
    }
}

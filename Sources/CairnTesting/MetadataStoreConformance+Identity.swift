import CairnCore
import Foundation
import Testing

// MARK: - Identity: accounts, password hashes, grants, tokens

extension MetadataStoreConformance {
    static func account(_ name: String, id: String? = nil, kind: PrincipalKind = .user) -> Account {
        Account(id: id ?? "a-\(name)", name: name, kind: kind, createdAt: at(1), createdBy: "system")
    }

    static func token(_ id: String, account: String, at ms: Int64 = 5, expiresAt: Date? = nil) -> APIToken {
        APIToken(id: id, accountID: account, description: "for \(id)", createdAt: at(ms), expiresAt: expiresAt)
    }

    static let identityCases: [MetadataStoreConformanceCase] = [
        .init("an inserted account reads back by id and by exact name; names and ids are taken once") { store in
            let alice = account("alice")
            try await store.write { try await $0.insertAccount(alice) }
            try await store.write { try await $0.insertAccount(account("ci-bot", kind: .serviceAccount)) }
            #expect(try await store.read { try await $0.account(id: "a-alice") } == alice)
            #expect(try await store.read { try await $0.account(named: "alice") } == alice)
            #expect(try await store.read { try await $0.account(named: "Alice") } == nil)
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertAccount(account("alice", id: "other")) }
            }
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertAccount(account("other", id: "a-alice")) }
            }
            let listed = try await store.read { try await $0.accounts() }
            #expect(listed.map(\.name) == ["alice", "ci-bot"])
            #expect(listed.last?.kind == .serviceAccount)
        },
        .init("updating an account changes disabled and the update stamp; a missing account throws notFound") {
            store in
            var alice = account("alice")
            try await store.write { [alice] in try await $0.insertAccount(alice) }
            alice.disabled = true
            alice.updatedAt = at(77)
            alice.updatedBy = "root"
            try await store.write { [alice] in try await $0.updateAccount(alice) }
            #expect(try await store.read { try await $0.account(id: "a-alice") } == alice)
            await expectCode(.notFound) { try await store.write { try await $0.updateAccount(account("ghost")) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.setPasswordHash(accountID: "a-ghost", hash: "h") }
            }
        },
        .init("a password hash is set, replaced and read back per account") { store in
            try await store.write { try await $0.insertAccount(account("alice")) }
            #expect(try await store.read { try await $0.passwordHash(accountID: "a-alice") } == nil)
            try await store.write { try await $0.setPasswordHash(accountID: "a-alice", hash: "one") }
            try await store.write { try await $0.setPasswordHash(accountID: "a-alice", hash: "two") }
            #expect(try await store.read { try await $0.passwordHash(accountID: "a-alice") } == "two")
        },
        .init("grants are added once, listed in order, found by holder and removed idempotently") { store in
            try await store.write { try await $0.insertAccount(account("alice")) }
            try await store.write { try await $0.insertAccount(account("bob")) }
            let grants = [
                Grant(.admin), Grant(.editor, .modelPrefix("team-a/")), Grant(.editor, .model("fraud")),
                Grant(.viewer), Grant(.editor, .model("Fraud")),
            ]
            let added = try await store.write { tx in
                var added: [Bool] = []
                for grant in grants { added.append(try await tx.insertGrant(accountID: "a-alice", grant: grant)) }
                added.append(try await tx.insertGrant(accountID: "a-alice", grant: Grant(.viewer)))
                added.append(try await tx.insertGrant(accountID: "a-bob", grant: Grant(.admin)))
                return added
            }
            #expect(added == [true, true, true, true, true, false, true])
            #expect(try await store.read { try await $0.grants(accountID: "a-alice") } == grants.sorted())
            #expect(try await store.read { try await $0.grants(accountID: "a-alice") }.first == Grant(.viewer))
            #expect(try await store.read { try await $0.accountIDs(holding: Grant(.admin)) } == ["a-alice", "a-bob"])
            #expect(try await store.read { try await $0.accountIDs(holding: Grant(.admin, .model("x"))) } == [])
            let removed = try await store.write { tx in
                [
                    try await tx.deleteGrant(accountID: "a-alice", grant: Grant(.admin)),
                    try await tx.deleteGrant(accountID: "a-alice", grant: Grant(.admin)),
                ]
            }
            #expect(removed == [true, false])
            #expect(try await store.read { try await $0.accountIDs(holding: Grant(.admin)) } == ["a-bob"])
            await expectCode(.notFound) {
                try await store.write { try await $0.insertGrant(accountID: "a-ghost", grant: Grant(.viewer)) }
            }
        },
        .init("tokens read back by id, by secret hash and per account; id and hash are unique") { store in
            try await store.write { try await $0.insertAccount(account("alice")) }
            let first = token("t1", account: "a-alice", at: 9, expiresAt: at(5000))
            let second = token("t2", account: "a-alice", at: 3)
            try await store.write { tx in
                try await tx.insertToken(first, secretHash: String(repeating: "a", count: 64))
                try await tx.insertToken(second, secretHash: String(repeating: "b", count: 64))
            }
            #expect(try await store.read { try await $0.token(id: "t1") } == first)
            #expect(
                try await store.read { try await $0.token(secretHash: String(repeating: "b", count: 64)) } == second
            )
            #expect(try await store.read { try await $0.token(secretHash: String(repeating: "c", count: 64)) } == nil)
            #expect(try await store.read { try await $0.tokens(accountID: "a-alice") } == [second, first])
            await expectCode(.alreadyExists) {
                try await store.write {
                    try await $0.insertToken(
                        token("t3", account: "a-alice"),
                        secretHash: String(repeating: "a", count: 64)
                    )
                }
            }
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertToken(token("t1", account: "a-alice"), secretHash: "d") }
            }
            await expectCode(.notFound) {
                try await store.write { try await $0.insertToken(token("t4", account: "a-ghost"), secretHash: "e") }
            }
        },
        .init("updating a token sets revoked and last-used times to the millisecond; a missing one throws notFound") {
            store in
            try await store.write { try await $0.insertAccount(account("alice")) }
            var stored = token("t1", account: "a-alice")
            try await store.write { [stored] in try await $0.insertToken(stored, secretHash: "h1") }
            stored.revokedAt = at(100)
            stored.lastUsedAt = at(90)
            try await store.write { [stored] in try await $0.updateToken(stored) }
            #expect(try await store.read { try await $0.token(secretHash: "h1") } == stored)
            await expectCode(.notFound) {
                try await store.write { try await $0.updateToken(token("t9", account: "x")) }
            }
        },
        .init("identity writes in a failed transaction leave nothing behind") { store in
            do {
                try await store.write { tx in
                    try await tx.insertAccount(account("alice"))
                    _ = try await tx.insertGrant(accountID: "a-alice", grant: Grant(.admin))
                    try await tx.insertToken(token("t1", account: "a-alice"), secretHash: "h1")
                    throw ConformanceAbort()
                }
            } catch is ConformanceAbort {}
            #expect(try await store.read { try await $0.accounts() } == [])
            #expect(try await store.read { try await $0.accountIDs(holding: Grant(.admin)) } == [])
            #expect(try await store.read { try await $0.token(secretHash: "h1") } == nil)
        },
    ]
}

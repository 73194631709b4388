import CairnCore
import Testing

// MARK: - Events and transactions

extension MetadataStoreConformance {
    static let eventAndTransactionCases: [MetadataStoreConformanceCase] = [
        .init("events append in order and read back after a sequence, at most a limit") { store in
            #expect(try await store.read { try await $0.lastEvent() } == nil)
            var appended: [AuditEvent] = []
            for sequence in Int64(1)...5 {
                let next = event(sequence, after: appended.last)
                try await store.write { try await $0.appendEvent(next) }
                appended.append(next)
            }
            #expect(try await store.read { try await $0.lastEvent() } == appended.last)
            #expect(try await store.read { try await $0.events(afterSequence: 0, limit: 100) } == appended)
            #expect(try await store.read { try await $0.events(afterSequence: 2, limit: 2) } == Array(appended[2...3]))
            #expect(try await store.read { try await $0.events(afterSequence: 5, limit: 10) }.isEmpty)
            #expect(EventChain.verify(try await store.read { try await $0.events(afterSequence: 0, limit: 9) }) == nil)
            let again = appended[1]
            await expectCode(.alreadyExists) { try await store.write { try await $0.appendEvent(again) } }
        },
        .init("a write body that throws rolls back everything it wrote and rethrows its error") { store in
            let model = try await insert(store, model("kept"))
            let kept = try await addVersion(store, model, status: .ready, files: [entry("a")])
            do {
                try await store.write { tx in
                    try await tx.insertModel(Self.model("new"))
                    _ = try await tx.allocateVersionNumber(modelID: model.id)
                    var changed = kept
                    changed.stage = .archived
                    try await tx.updateVersion(changed)
                    try await tx.putFile(versionID: kept.id, entry: entry("b"))
                    try await tx.setAlias(modelID: model.id, alias: ModelAlias(alias: "champion", version: 1))
                    try await tx.replaceModelTags(modelID: model.id, tags: ["x": "y"])
                    try await tx.appendEvent(event(1))
                    #expect(try await tx.model(named: "new") != nil)
                    throw ConformanceAbort()
                }
                Issue.record("the write did not rethrow")
            } catch is ConformanceAbort {}
            let (new, stored, version, files, aliases, last) = try await store.read { reader in
                (
                    try await reader.model(named: "new"), try await reader.model(named: "kept"),
                    try await reader.version(modelID: model.id, number: 1), try await reader.files(versionID: kept.id),
                    try await reader.aliases(modelID: model.id), try await reader.lastEvent()
                )
            }
            #expect(new == nil)
            #expect(stored == model)
            #expect(version == kept)
            #expect(files == [entry("a")])
            #expect(aliases.isEmpty)
            #expect(last == nil)
            #expect(try await addVersion(store, model).number == 2)
        },
        .init("32 concurrent write transactions allocating version numbers get exactly 1…32") { store in
            let model = try await insert(store, model("busy"))
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 1...32 {
                    group.addTask {
                        try await store.write { tx in
                            let number = try await tx.allocateVersionNumber(modelID: model.id)
                            // The chain needs one writer at a time: the last event must be ours to extend.
                            let last = try await tx.lastEvent()
                            try await tx.appendEvent(event((last?.sequence ?? 0) + 1, after: last))
                            return number
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...32))
            let events = try await store.read { try await $0.events(afterSequence: 0, limit: 100) }
            #expect(events.count == 32)
            #expect(EventChain.verify(events) == nil)
        },
        .init("a read during a write transaction neither waits for it nor sees its uncommitted writes") { store in
            let (wrote, wroteSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            async let writing: Void = store.write { tx in
                try await tx.insertModel(Self.model("in-flight"))
                wroteSignal.yield()
                for await _ in release { break }
            }
            for await _ in wrote { break }
            // The writer is suspended holding its transaction open; these must complete now.
            #expect(try await store.read { try await $0.model(named: "in-flight") } == nil)
            #expect(try await store.resolve(modelName: "in-flight", reference: .latest) == nil)
            releaseSignal.yield()
            try await writing
            #expect(try await store.read { try await $0.model(named: "in-flight") } != nil)
        },
    ]
}

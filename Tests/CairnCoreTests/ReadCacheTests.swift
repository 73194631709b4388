import CairnCore
import CairnTesting
import Synchronization
import Testing

@Suite("Read cache")
struct ReadCacheTests {
    @Test("a hit goes only to a caller the core lets read the entry's model, and only in its generation")
    func authorizedHits() {
        let generation = Atomic<UInt64>(1)
        let cache = ReadCache<String>(generation: { generation.load(ordering: .relaxed) })
        cache.store("fraud v3", about: "fraud", for: "k", generation: cache.currentGeneration)
        let fraudReader = Principal.testUser("fran", Grant(.viewer, .model("fraud")))
        let churnReader = Principal.testUser("chad", Grant(.viewer, .model("churn")))
        #expect(cache.lookup("k", for: fraudReader) == "fraud v3")
        #expect(cache.lookup("k", for: alice) == "fraud v3")
        #expect(cache.lookup("k", for: churnReader) == nil, "a caller who may not read the model misses")
        #expect(cache.lookup("k", for: .anonymous) == nil)
        #expect(cache.lookup("other", for: alice) == nil)
        generation.store(2, ordering: .relaxed)
        #expect(cache.lookup("k", for: alice) == nil, "a write invalidates every entry")
    }

    @Test("an answer computed before a write is not served after it")
    func staleStore() {
        let generation = Atomic<UInt64>(1)
        let cache = ReadCache<String>(generation: { generation.load(ordering: .relaxed) })
        let before = cache.currentGeneration
        generation.store(2, ordering: .relaxed)
        cache.store("old", about: "fraud", for: "k", generation: before)
        #expect(cache.lookup("k", for: alice) == nil)
    }
}

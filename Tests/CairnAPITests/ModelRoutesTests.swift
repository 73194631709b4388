import CairnCore
import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Native API: registered models")
struct ModelRoutesTests {
    @Test("create, get, update, rename and delete a model; the old name stops resolving")
    func lifecycle() async throws {
        try await APIHarness.run { _, client in
            let created = try await client.send(
                .post,
                "/api/v1/models",
                json: #"{"name":"fraud detector ☃","description":"v0","tags":{"team":"risk"}}"#
            )
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/models/fraud%20detector%20%E2%98%83")
            let model = try decode(ModelDTO.self, created)
            #expect(
                model.name == "fraud detector ☃" && model.tags == ["team": "risk"] && model.createdBy == "admin"
            )

            let path = "/api/v1/models/fraud%20detector%20%E2%98%83"
            let updated = try decode(ModelDTO.self, try await client.send(.patch, path, json: #"{"description":"v1"}"#))
            #expect(updated.description == "v1")

            let renamed = try await client.send(.post, path + "/rename", json: #"{"new_name":"fraud"}"#)
            #expect(try decode(ModelDTO.self, renamed).name == "fraud")
            let old = try await client.send(.get, path)
            #expect(old.status == .notFound)
            #expect(try errorCode(old) == "NOT_FOUND")
            #expect(try await client.send(.get, "/api/v1/models/fraud").status == .ok)

            #expect(try await client.send(.delete, "/api/v1/models/fraud").status == .noContent)
            #expect(try await client.send(.get, "/api/v1/models/fraud").status == .notFound)
        }
    }

    @Test("names with % and \\ are literal: a path segment is decoded exactly once, never twice")
    func percentIsLiteral() async throws {
        try await APIHarness.run { _, client in
            for name in ["a%2Fb", "100% sure", "win\\dows"] {
                let body = try JSONSerialization.data(withJSONObject: ["name": name])
                let created = try await client.send(
                    .post,
                    "/api/v1/models",
                    json: String(decoding: body, as: UTF8.self)
                )
                #expect(created.status == .created, "\(name)")
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let fetched = try await client.send(.get, "/api/v1/models/\(encoded)")
                #expect(try decode(ModelDTO.self, fetched).name == name)
            }
            // Decoded once, `a%2Fb` in the path is the name `a/b`, which cannot exist: refused, not `a%2Fb` found.
            let once = try await client.send(.get, "/api/v1/models/a%2Fb")
            #expect(once.status == .badRequest)
            #expect(try errorCode(once) == "INVALID_ARGUMENT")
            let resolved = try await client.send(.get, "/api/v1/models/100%25%20sure")
            #expect(try decode(ModelDTO.self, resolved).name == "100% sure")
        }
    }

    @Test("a duplicate name is 409 ALREADY_EXISTS and a rename onto a taken name too")
    func duplicates() async throws {
        try await APIHarness.run { _, client in
            #expect(try await client.send(.post, "/api/v1/models", json: #"{"name":"a"}"#).status == .created)
            #expect(try await client.send(.post, "/api/v1/models", json: #"{"name":"b"}"#).status == .created)
            let duplicate = try await client.send(.post, "/api/v1/models", json: #"{"name":"a"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try errorCode(duplicate) == "ALREADY_EXISTS")
            let collision = try await client.send(.post, "/api/v1/models/a/rename", json: #"{"new_name":"b"}"#)
            #expect(collision.status == .conflict)
        }
    }

    @Test("tags are set and deleted; deleting a missing tag is 404")
    func tags() async throws {
        try await APIHarness.run { _, client in
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"m"}"#)
            let set = try await client.send(.put, "/api/v1/models/m/tags/owner", json: #"{"value":"ana"}"#)
            #expect(try decode(ModelDTO.self, set).tags == ["owner": "ana"])
            let removed = try await client.send(.delete, "/api/v1/models/m/tags/owner")
            #expect(try decode(ModelDTO.self, removed).tags == [:])
            #expect(try await client.send(.delete, "/api/v1/models/m/tags/owner").status == .notFound)
        }
    }

    @Test("listing filters by substring, prefix and tags, and pages stay correct while models are added")
    func listing() async throws {
        try await APIHarness.run { _, client in
            for name in ["alpha", "beta", "gamma", "delta", "epsilon"] {
                let tag = name.count == 5 ? #","tags":{"len":"5"}"# : ""
                _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"\#(name)"\#(tag)}"#)
            }
            let contains = try decode(ModelListDTO.self, try await client.send(.get, "/api/v1/models?name_contains=ta"))
            #expect(contains.models.map(\.name) == ["beta", "delta"])
            let prefix = try decode(ModelListDTO.self, try await client.send(.get, "/api/v1/models?name_prefix=ep"))
            #expect(prefix.models.map(\.name) == ["epsilon"])
            let tagged = try decode(ModelListDTO.self, try await client.send(.get, "/api/v1/models?tag=len%3D5"))
            #expect(tagged.models.map(\.name) == ["alpha", "delta", "gamma"])

            let first = try decode(ModelListDTO.self, try await client.send(.get, "/api/v1/models?limit=2"))
            #expect(first.models.map(\.name) == ["alpha", "beta"])
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"aardvark"}"#)
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"zeta"}"#)
            var names = first.models.map(\.name)
            var token = try #require(first.nextPageToken)
            while true {
                let page = try decode(
                    ModelListDTO.self,
                    try await client.send(.get, "/api/v1/models?limit=2&page_token=\(token)")
                )
                names += page.models.map(\.name)
                guard let next = page.nextPageToken else { break }
                token = next
            }
            #expect(names == ["alpha", "beta", "delta", "epsilon", "gamma", "zeta"])
            let bad = try await client.send(.get, "/api/v1/models?page_token=garbage!")
            #expect(bad.status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/models?limit=0").status == .badRequest)
        }
    }

    @Test("every change is recorded in the hash-chained event log with its actor")
    func events() async throws {
        try await APIHarness.run { harness, client in
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"m"}"#)
            _ = try await client.send(.patch, "/api/v1/models/m", json: #"{"description":"d"}"#)
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"m"}"#)  // refused: no event
            let events = try decode(
                EventListDTO.self,
                try await client.send(.get, "/api/v1/events?after=\(harness.baseSequence)")
            )
            #expect(events.events.map(\.action) == ["model.created", "model.updated"])
            #expect(events.events.allSatisfy { $0.actor == "admin" })
            #expect(events.events[1].prevHash == events.events[0].hash)
            let broken = try await harness.service.governance.verifyEventChain(actor: .system).broken
            #expect(broken == nil)
        }
    }
}

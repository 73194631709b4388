import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The registry calls of `04_registry_extras`: search and paging, tags, aliases, DELETE with JSON bodies.
@Suite("MLflow registry calls")
struct MLflowRegistryTests {
    @Test("search: prompt clause, LIKE, tags, ordering and opaque page tokens; {} when nothing matches")
    func search() async throws {
        try await MLflowHarness.run { _, client in
            for body in [
                #"{"name":"cairn-extras-a","tags":[{"key":"team","value":"risk"}],"description":"A"}"#,
                #"{"name":"cairn-extras-b"}"#, #"{"name":"cairn-extras-c"}"#,
                #"{"name":"prompt","tags":[{"key":"mlflow.prompt.is_prompt","value":"true"}]}"#,
            ] {
                let reply = try await client.mlflow(.post, api("registered-models/create"), body)
                try #require(reply.status == 200, "\(reply.text)")
            }
            let prompt = "tag.`mlflow.prompt.is_prompt` != 'true'"
            func names(_ filter: String, extra: String = "") async throws -> ([String], String?) {
                let reply = try await client.mlflow(
                    .get,
                    api("registered-models/search?filter=\(q(filter))&max_results=100\(extra)")
                )
                #expect(reply.status == 200, "\(reply.text)")
                let models = reply.json["registered_models"] as? [[String: Any]] ?? []
                return (models.compactMap { $0["name"] as? String }, reply.json["next_page_token"] as? String)
            }
            #expect(try await names(prompt).0 == ["cairn-extras-a", "cairn-extras-b", "cairn-extras-c"])
            #expect(try await names("name LIKE 'cairn-%' AND \(prompt)").0.count == 3)
            #expect(try await names("tags.team = 'risk' AND \(prompt)").0 == ["cairn-extras-a"])
            #expect(try await names("name = 'cairn-extras-b' AND \(prompt)").0 == ["cairn-extras-b"])
            // As the Python client encodes it: spaces as '+'.
            let formEncoded = try await client.mlflow(
                .get,
                api(
                    "registered-models/search?filter=name+LIKE+%27cairn-%25%27+AND+tag.%60mlflow.prompt.is_prompt%60+"
                        + "%21%3D+%27true%27&max_results=100"
                )
            )
            #expect((formEncoded.json["registered_models"] as? [Any])?.count == 3, "\(formEncoded.text)")
            let empty = try await client.mlflow(.get, api("registered-models/search?filter=\(q("name = 'zzz'"))"))
            #expect(empty.status == 200 && empty.text == "{}")
            let page1 = try await client.mlflow(
                .get,
                api("registered-models/search?filter=\(q(prompt))&max_results=2&order_by=\(q("name DESC"))")
            )
            let token = try #require(page1.json["next_page_token"] as? String)
            let page2 = try await client.mlflow(
                .get,
                api(
                    "registered-models/search?filter=\(q(prompt))&max_results=2&order_by=\(q("name DESC"))&page_token=\(q(token))"
                )
            )
            let first = (page1.json["registered_models"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            let second = (page2.json["registered_models"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(first == ["cairn-extras-c", "cairn-extras-b"] && second == ["cairn-extras-a"])
            #expect(page2.json["next_page_token"] == nil)
            let described = try await client.mlflow(.get, api("registered-models/get?name=cairn-extras-a"))
            try Golden.check("registered_models_get_tags_description", described.text)
        }
    }

    @Test("tags, aliases, rename and deletes (DELETE requests carry JSON bodies)")
    func tagsAliasesDeletes() async throws {
        try await MLflowHarness.run { _, client in
            try await MLflowErrorShapeTests.seed(client)
            let calls: [(HTTPRequest.Method, String, String)] = [
                (.post, "registered-models/set-tag", #"{"name":"fraud-detector","key":"owner","value":"risk-team"}"#),
                (.post, "registered-models/set-tag", #"{"name":"fraud-detector","key":"temp","value":"1"}"#),
                (.delete, "registered-models/delete-tag", #"{"name":"fraud-detector","key":"temp"}"#),
                (
                    .post, "model-versions/set-tag",
                    #"{"name":"fraud-detector","version":"1","key":"validation","value":"passed"}"#
                ),
                (.post, "model-versions/set-tag", #"{"name":"fraud-detector","version":"1","key":"temp","value":"x"}"#),
                (.delete, "model-versions/delete-tag", #"{"name":"fraud-detector","version":"1","key":"temp"}"#),
                (.post, "registered-models/alias", #"{"name":"fraud-detector","alias":"champion","version":"1"}"#),
                (.post, "registered-models/alias", #"{"name":"fraud-detector","alias":"previous","version":"1"}"#),
                (.delete, "registered-models/alias", #"{"name":"fraud-detector","alias":"previous"}"#),
            ]
            for (method, path, body) in calls {
                let reply = try await client.mlflow(method, api(path), body)
                #expect(reply.status == 200 && reply.text == "{}", "\(path): \(reply.text)")
            }
            let byAlias = try await client.mlflow(
                .get,
                api("registered-models/alias?name=fraud-detector&alias=champion")
            )
            try Golden.check("registered_models_alias_get", byAlias.text)
            let model = try await client.mlflow(.get, api("registered-models/get?name=fraud-detector"))
            try Golden.check("registered_models_get_aliases_tags", model.text)
            let version = try await client.mlflow(.get, api("model-versions/get?name=fraud-detector&version=1"))
            try Golden.check("model_versions_get_aliases_tags", version.text)
            let search = try await client.mlflow(
                .get,
                api("model-versions/search?filter=\(q("name='fraud-detector'"))&max_results=10000")
            )
            try Golden.check("model_versions_search", search.text)
            let renamed = try await client.mlflow(
                .post,
                api("registered-models/rename"),
                #"{"name":"other","new_name":"other-renamed"}"#
            )
            #expect((renamed.json["registered_model"] as? [String: Any])?["name"] as? String == "other-renamed")
            let latest = try await client.mlflow(
                .post,
                api("registered-models/get-latest-versions"),
                #"{"name":"fraud-detector"}"#
            )
            #expect((latest.json["model_versions"] as? [Any])?.count == 1)
            let deleteVersion = try await client.mlflow(
                .delete,
                api("model-versions/delete"),
                #"{"name":"fraud-detector","version":"1"}"#
            )
            #expect(deleteVersion.status == 200 && deleteVersion.text == "{}")
            let deleteModel = try await client.mlflow(
                .delete,
                api("registered-models/delete"),
                #"{"name":"other-renamed"}"#
            )
            #expect(deleteModel.status == 200 && deleteModel.text == "{}")
            let gone = try await client.mlflow(.get, api("registered-models/get?name=other-renamed"))
            #expect(gone.status == 404 && gone.errorCode == "RESOURCE_DOES_NOT_EXIST")
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// One failing call of the transcripts and the answer MLflow gave (status, error code, message start).
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var method: HTTPRequest.Method
    var uri: String
    var body: String?
    var headers: HTTPFields = [.contentType: "application/json"]
    var status: Int
    var code: String
    var message: String = ""

    var testDescription: String { name }
}

/// Every error case of the transcripts, plus the cases the brief names, against one seeded server.
@Suite("MLflow wire format: error shapes")
struct MLflowErrorShapeTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            name: "get-by-name of a missing experiment",
            method: .get,
            uri: api("experiments/get-by-name?experiment_name=does-not-exist"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "duplicate registered model",
            method: .post,
            uri: api("registered-models/create"),
            body: #"{"name":"fraud-detector"}"#,
            status: 400,
            code: "RESOURCE_ALREADY_EXISTS"
        ),
        ErrorCase(
            name: "missing registered model",
            method: .get,
            uri: api("registered-models/get?name=does-not-exist"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "bogus stage",
            method: .post,
            uri: api("model-versions/transition-stage"),
            body: #"{"name":"fraud-detector","version":"1","stage":"Bogus","archive_existing_versions":false}"#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, Archived."
        ),
        ErrorCase(
            name: "missing model version",
            method: .get,
            uri: api("model-versions/get?name=fraud-detector&version=999"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "unknown alias is 400",
            method: .get,
            uri: api("registered-models/alias?name=fraud-detector&alias=no-such-alias"),
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Registered model alias no-such-alias not found."
        ),
        ErrorCase(
            name: "alias to a missing version",
            method: .post,
            uri: api("registered-models/alias"),
            body: #"{"name":"fraud-detector","alias":"ghost","version":"999"}"#,
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "reserved alias latest",
            method: .post,
            uri: api("registered-models/alias"),
            body: #"{"name":"fraud-detector","alias":"latest","version":"1"}"#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE"
        ),
        ErrorCase(
            name: "reserved alias v3",
            method: .post,
            uri: api("registered-models/alias"),
            body: #"{"name":"fraud-detector","alias":"v3","version":"1"}"#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE"
        ),
        ErrorCase(
            name: "bad registered-model filter",
            method: .get,
            uri: api(
                "registered-models/search?filter=\(q("bogus ~~ 'x' AND tag.`mlflow.prompt.is_prompt` != 'true'"))"
            ),
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Invalid attribute key 'bogus' specified. Valid keys are '{'name'}'"
        ),
        ErrorCase(
            name: "bad model-version filter",
            method: .get,
            uri: api("model-versions/search?filter=\(q("nope = 'x' AND"))&max_results=10000"),
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Invalid attribute key 'nope' specified."
        ),
        ErrorCase(
            name: "rename onto a taken name",
            method: .post,
            uri: api("registered-models/rename"),
            body: #"{"name":"other","new_name":"fraud-detector"}"#,
            status: 400,
            code: "RESOURCE_ALREADY_EXISTS"
        ),
        ErrorCase(
            name: "empty model name",
            method: .post,
            uri: api("registered-models/create"),
            body: #"{"name":""}"#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Missing value for required parameter 'name'."
        ),
        ErrorCase(
            name: "delete a missing version (DELETE with body)",
            method: .delete,
            uri: api("model-versions/delete"),
            body: #"{"name":"fraud-detector","version":"999"}"#,
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "latest versions of a missing model",
            method: .post,
            uri: api("registered-models/get-latest-versions"),
            body: #"{"name":"does-not-exist","stages":["Production"]}"#,
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "get without name",
            method: .get,
            uri: api("registered-models/get"),
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Missing value for required parameter 'name'."
        ),
        ErrorCase(
            name: "POST without Content-Type",
            method: .post,
            uri: api("registered-models/create"),
            body: #"{"name":"raw-no-ct"}"#,
            headers: [:],
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Bad Request. Content-Type header is missing."
        ),
        ErrorCase(
            name: "malformed JSON",
            method: .post,
            uri: api("registered-models/create"),
            body: #"{"name": "#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE"
        ),
        ErrorCase(
            name: "unknown endpoint",
            method: .get,
            uri: api("registered-models/does-not-exist"),
            status: 404,
            code: "ENDPOINT_NOT_FOUND"
        ),
        ErrorCase(
            name: "missing run",
            method: .get,
            uri: api("runs/get?run_id=00000000000000000000000000000000"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "missing experiment id",
            method: .get,
            uri: api("experiments/get?experiment_id=999999"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "duplicate experiment",
            method: .post,
            uri: api("experiments/create"),
            body: #"{"name":"fraud-detection"}"#,
            status: 400,
            code: "RESOURCE_ALREADY_EXISTS"
        ),
        ErrorCase(
            name: "bad comparator in runs/search",
            method: .post,
            uri: api("runs/search"),
            body: #"{"experiment_ids":["1"],"run_view_type":"ACTIVE_ONLY","filter":"metrics.loss <<< 1"}"#,
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Invalid comparator '<<<' not one of"
        ),
        ErrorCase(
            name: "missing logged model",
            method: .get,
            uri: api("logged-models/m-00000000000000000000000000000000"),
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "download of a missing artifact",
            method: .get,
            uri: "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/missing.txt",
            status: 404,
            code: "RESOURCE_DOES_NOT_EXIST"
        ),
        ErrorCase(
            name: "list with path traversal",
            method: .get,
            uri: "/api/2.0/mlflow-artifacts/artifacts?path=..%2F..%2Fetc",
            status: 400,
            code: "INVALID_PARAMETER_VALUE",
            message: "Invalid path"
        ),
        ErrorCase(
            name: "bad max_results",
            method: .get,
            uri: api("registered-models/search?max_results=0"),
            status: 400,
            code: "INVALID_PARAMETER_VALUE"
        ),
        ErrorCase(
            name: "bad page token",
            method: .get,
            uri: api("registered-models/search?page_token=%21%21"),
            status: 400,
            code: "INVALID_PARAMETER_VALUE"
        ),
    ]

    /// An experiment, a registered model with version 1 and a second model `other`.
    static func seed(_ client: any TestClientProtocol) async throws {
        _ = try await MLflowSeedFlowTests.logModel(client, golden: false)
        _ = try await client.mlflow(.post, api("registered-models/create"), #"{"name":"fraud-detector"}"#)
        _ = try await client.mlflow(.post, api("registered-models/create"), #"{"name":"other"}"#)
        let run = try await client.mlflow(.post, api("runs/create"), #"{"experiment_id":"1"}"#)
        let runID = try #require(
            (run.json["run"] as? [String: Any]).flatMap { $0["info"] as? [String: Any] }?["run_id"] as? String
        )
        let put = try await client.raw(
            .put,
            "/api/2.0/mlflow-artifacts/artifacts/1/\(runID)/artifacts/m/f.txt",
            body: "x"
        )
        try #require(put.status == 200)
        let version = try await client.mlflow(
            .post,
            api("model-versions/create"),
            #"{"name":"fraud-detector","source":"runs:/\#(runID)/m"}"#
        )
        try #require(version.status == 200, "\(version.text)")
    }

    @Test("every transcript error answers with MLflow's status, code and message")
    func errors() async throws {
        try await MLflowHarness.run { _, client in
            try await Self.seed(client)
            var bodies: [String] = []
            for test in Self.cases {
                let reply = try await client.raw(test.method, test.uri, headers: test.headers, body: test.body)
                #expect(reply.status == test.status, "\(test.name): \(reply.status) \(reply.text)")
                #expect(reply.errorCode == test.code, "\(test.name): \(reply.text)")
                #expect(reply.message.hasPrefix(test.message), "\(test.name): \(reply.message)")
                #expect(reply.headers[.contentType] == "application/json", "\(test.name)")
                let keys = Set(reply.json.keys)
                #expect(keys == ["error_code", "message"], "\(test.name): \(keys)")
                bodies.append("\"\(test.name)\": \(reply.text)")
            }
            try Golden.check("errors", "{" + bodies.joined(separator: ",") + "}")
        }
    }
}

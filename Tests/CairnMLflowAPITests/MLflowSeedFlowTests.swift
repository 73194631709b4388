import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The calls `flow_seed.py` makes (SPEC §3), in its order, each response pinned by a golden file.
@Suite("MLflow wire format: the reference program's calls")
struct MLflowSeedFlowTests {
    static let runTags = """
        [{"key":"mlflow.user","value":"root"},{"key":"mlflow.source.name","value":"flow_seed_compat.py"},\
        {"key":"mlflow.source.type","value":"LOCAL"},{"key":"mlflow.runName","value":"rf-baseline"}]
        """

    /// Logs a run with a logged model and its files, as `log_model` does. Returns (experiment, run, model id).
    static func logModel(_ client: any TestClientProtocol, golden: Bool) async throws -> (String, String, String) {
        let missing = try await client.mlflow(.get, api("experiments/get-by-name?experiment_name=fraud-detection"))
        #expect(missing.status == 404 && missing.errorCode == "RESOURCE_DOES_NOT_EXIST")
        let created = try await client.mlflow(.post, api("experiments/create"), #"{"name":"fraud-detection"}"#)
        let experiment = try #require(created.json["experiment_id"] as? String)
        let fetched = try await client.mlflow(.get, api("experiments/get?experiment_id=\(experiment)"))
        let run = try await client.mlflow(
            .post,
            api("runs/create"),
            """
            {"experiment_id":"\(experiment)","user_id":"root","run_name":"rf-baseline","start_time":1795946592375,\
            "tags":\(runTags)}
            """
        )
        let runID = try #require(
            (run.json["run"] as? [String: Any]).flatMap { $0["info"] as? [String: Any] }?["run_id"] as? String
        )
        let ids = #""run_uuid":"\#(runID)","run_id":"\#(runID)""#
        let param = try await client.mlflow(
            .post,
            api("runs/log-parameter"),
            #"{\#(ids),"key":"n_estimators","value":"100"}"#
        )
        let metric = try await client.mlflow(
            .post,
            api("runs/log-metric"),
            #"{\#(ids),"key":"accuracy","value":0.918,"timestamp":1795946597099,"step":0}"#
        )
        #expect(param.text == "{}" && metric.text == "{}")
        let model = try await client.mlflow(
            .post,
            api("logged-models"),
            """
            {"experiment_id":"\(experiment)","name":"model","source_run_id":"\(runID)",\
            "params":[{"key":"n_estimators","value":"100"}],"tags":[{"key":"mlflow.user","value":"root"}]}
            """
        )
        let modelID = try #require(
            (model.json["model"] as? [String: Any]).flatMap { $0["info"] as? [String: Any] }?["model_id"] as? String
        )
        let outputs = try await client.mlflow(
            .post,
            api("runs/outputs"),
            #"{"run_id":"\#(runID)","models":[{"model_id":"\#(modelID)","step":0}]}"#
        )
        #expect(outputs.text == "{}")
        let runAfter = try await client.mlflow(.get, api("runs/get?run_uuid=\(runID)&run_id=\(runID)"))
        let history = try await client.mlflow(
            .get,
            api("metrics/get-history?run_uuid=\(runID)&metric_key=accuracy&run_id=\(runID)&max_results=25000")
        )
        let batch = try await client.mlflow(
            .post,
            api("runs/log-batch"),
            """
            {"run_id":"\(runID)","metrics":[{"key":"accuracy","value":0.918,"timestamp":1795946597099,"step":0,\
            "model_id":"\(modelID)"}]}
            """
        )
        #expect(batch.text == "{}")
        let modelGet = try await client.mlflow(.get, api("logged-models/\(modelID)"))
        let info = try await client.mlflow(.get, "/api/3.0/mlflow/server-info")
        let base = "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/models/\(modelID)/artifacts"
        for (name, content, type) in [
            ("MLmodel", "artifact_path: x\n", "text/plain"),
            ("model.skops", "PK\u{3}\u{4}weights", "application/octet-stream"),
        ] {
            let put = try await client.raw(.put, "\(base)/\(name)", headers: [.contentType: type], body: content)
            #expect(put.status == 200 && put.text.isEmpty, "PUT \(name): \(put.text)")
        }
        let ready = try await client.mlflow(
            .patch,
            api("logged-models/\(modelID)"),
            #"{"model_id":"\#(modelID)","status":"LOGGED_MODEL_READY"}"#
        )
        if golden {
            try Golden.check("experiments_create", created.text)
            try Golden.check("experiments_get", fetched.text)
            try Golden.check("error_experiment_missing", missing.text)
            try Golden.check("runs_create", run.text)
            try Golden.check("logged_models_create", model.text)
            try Golden.check("runs_get_with_outputs", runAfter.text)
            try Golden.check("metrics_get_history", history.text)
            try Golden.check("logged_models_get", modelGet.text)
            try Golden.check("server_info", info.text)
            try Golden.check("logged_models_finalize", ready.text)
        }
        return (experiment, runID, modelID)
    }

    @Test("log_model: experiment, run, params, metrics, logged model, artifacts")
    func logModelCalls() async throws {
        try await MLflowHarness.run { _, client in _ = try await Self.logModel(client, golden: true) }
    }

    @Test("register, promote and load: registry calls and artifact download")
    func registerAndLoad() async throws {
        try await MLflowHarness.run { _, client in
            let (_, runID, modelID) = try await Self.logModel(client, golden: false)
            let model = try await client.mlflow(.post, api("registered-models/create"), #"{"name":"fraud-detector"}"#)
            try Golden.check("registered_models_create", model.text)
            let version = try await client.mlflow(
                .post,
                api("model-versions/create"),
                #"{"name":"fraud-detector","source":"models:/\#(modelID)","model_id":"\#(modelID)"}"#
            )
            try Golden.check("model_versions_create", version.text)
            let tags = try await client.mlflow(
                .patch,
                api("logged-models/\(modelID)/tags"),
                #"{"tags":[{"key":"mlflow.modelVersions","value":"[{\"name\": \"fraud-detector\", \"version\": \"1\"}]"}]}"#
            )
            #expect(tags.text == "{}")
            let finished = try await client.mlflow(
                .post,
                api("runs/update"),
                #"{"run_uuid":"\#(runID)","run_id":"\#(runID)","status":"FINISHED","end_time":1795946600000}"#
            )
            try Golden.check("runs_update", finished.text)
            let none = try await client.mlflow(
                .post,
                api("registered-models/get-latest-versions"),
                #"{"name":"fraud-detector","stages":["None"]}"#
            )
            try Golden.check("get_latest_versions_none", none.text)
            let staging = try await client.mlflow(
                .post,
                api("model-versions/transition-stage"),
                #"{"name":"fraud-detector","version":"1","stage":"Staging","archive_existing_versions":false}"#
            )
            #expect((staging.json["model_version"] as? [String: Any])?["current_stage"] as? String == "Staging")
            let production = try await client.mlflow(
                .post,
                api("model-versions/transition-stage"),
                #"{"name":"fraud-detector","version":"1","stage":"Production","archive_existing_versions":true}"#
            )
            try Golden.check("transition_stage_production", production.text)
            let described = try await client.mlflow(
                .patch,
                api("model-versions/update"),
                #"{"name":"fraud-detector","version":"1","description":"Promoted."}"#
            )
            try Golden.check("model_versions_update", described.text)
            let empty = try await client.mlflow(
                .post,
                api("registered-models/get-latest-versions"),
                #"{"name":"fraud-detector","stages":["Staging"]}"#
            )
            #expect(empty.status == 200 && empty.text == "{}")
            let registered = try await client.mlflow(.get, api("registered-models/get?name=fraud-detector"))
            try Golden.check("registered_models_get", registered.text)
            let uri = try await client.mlflow(
                .get,
                api("model-versions/get-download-uri?name=fraud-detector&version=1")
            )
            try Golden.check("get_download_uri", uri.text)
            let location = try #require(uri.json["artifact_uri"] as? String)
            let path = String(location.dropFirst("mlflow-artifacts:/".count))
            let listing = try await client.mlflow(.get, "/api/2.0/mlflow-artifacts/artifacts?path=\(q(path))")
            try Golden.check("artifacts_list_model", listing.text)
            let file = try await client.raw(.get, "/api/2.0/mlflow-artifacts/artifacts/\(path)/MLmodel")
            #expect(file.status == 200 && file.text == "artifact_path: x\n")
            #expect(file.headers[.contentType] == "text/plain")
            #expect(file.headers[.contentLength] == "17")
            #expect(file.headers[.contentDisposition] == "attachment; filename=\"MLmodel\"; filename*=UTF-8''MLmodel")
            #expect(file.headers[.eTag] != nil)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The tracking calls of `05_tracking_extras`: experiments, runs, batches, datasets, searches, logged models.
@Suite("MLflow tracking calls")
struct MLflowTrackingTests {
    @Test("experiments: search, tags, rename, delete and restore")
    func experiments() async throws {
        try await MLflowHarness.run { _, client in
            let created = try await client.mlflow(
                .post,
                api("experiments/create"),
                #"{"name":"cairn-tracking-extras","tags":[{"key":"project","value":"cairn"}]}"#
            )
            let id = try #require(created.json["experiment_id"] as? String)
            let tag = try await client.mlflow(
                .post,
                api("experiments/set-experiment-tag"),
                #"{"experiment_id":"\#(id)","key":"stage","value":"dev"}"#
            )
            #expect(tag.text == "{}")
            let search = try await client.mlflow(
                .post,
                api("experiments/search"),
                #"{"max_results":1000,"view_type":"ACTIVE_ONLY","filter":"tags.project = 'cairn'","order_by":["name ASC"]}"#
            )
            try Golden.check("experiments_search", search.text)
            let untag = try await client.mlflow(
                .post,
                api("experiments/delete-experiment-tag"),
                #"{"experiment_id":"\#(id)","key":"stage"}"#
            )
            #expect(untag.text == "{}")
            let renamed = try await client.mlflow(
                .post,
                api("experiments/update"),
                #"{"experiment_id":"\#(id)","new_name":"renamed"}"#
            )
            #expect(renamed.status == 200 && renamed.text == "{}")
            let deleted = try await client.mlflow(.post, api("experiments/delete"), #"{"experiment_id":"\#(id)"}"#)
            #expect(deleted.text == "{}")
            let active = try await client.mlflow(
                .post,
                api("experiments/search"),
                #"{"view_type":"ACTIVE_ONLY","filter":"name = 'renamed'"}"#
            )
            #expect(active.text == "{}")
            let restored = try await client.mlflow(.post, api("experiments/restore"), #"{"experiment_id":"\#(id)"}"#)
            #expect(restored.text == "{}")
            let fetched = try await client.mlflow(.get, api("experiments/get-by-name?experiment_name=renamed"))
            #expect((fetched.json["experiment"] as? [String: Any])?["lifecycle_stage"] as? String == "active")
        }
    }

    @Test("runs: batches, tags, datasets, search, delete and restore")
    func runs() async throws {
        try await MLflowHarness.run { _, client in
            let created = try await client.mlflow(.post, api("experiments/create"), #"{"name":"e"}"#)
            let exp = try #require(created.json["experiment_id"] as? String)
            let run = try await client.mlflow(
                .post,
                api("runs/create"),
                #"{"experiment_id":"\#(exp)","user_id":"unknown","run_name":"extras-run"}"#
            )
            let id = try #require(
                (run.json["run"] as? [String: Any]).flatMap { $0["info"] as? [String: Any] }?["run_id"] as? String
            )
            let calls: [(String, String)] = [
                (
                    "runs/log-batch",
                    #"{"run_id":"\#(id)","metrics":[{"key":"loss","value":0.5,"timestamp":1,"step":1},{"key":"loss","value":0.4,"timestamp":2,"step":2}],"params":[{"key":"lr","value":"0.01"}],"tags":[{"key":"t","value":"v"}]}"#
                ),
                ("runs/set-tag", #"{"run_uuid":"\#(id)","run_id":"\#(id)","key":"temp","value":"1"}"#),
                ("runs/delete-tag", #"{"run_id":"\#(id)","key":"temp"}"#),
                (
                    "runs/log-inputs",
                    #"{"run_id":"\#(id)","datasets":[{"tags":[{"key":"mlflow.data.context","value":"training"}],"dataset":{"name":"np-train","digest":"52365d33","source_type":"local","source":"{\"uri\": \"file:///data/train.npy\"}","profile":"{\"num_rows\": 50}"}}]}"#
                ),
            ]
            for (path, body) in calls {
                let reply = try await client.mlflow(.post, api(path), body)
                #expect(reply.status == 200 && reply.text == "{}", "\(path): \(reply.text)")
            }
            let overwrite = try await client.mlflow(
                .post,
                api("runs/log-parameter"),
                #"{"run_id":"\#(id)","key":"lr","value":"0.02"}"#
            )
            #expect(overwrite.status == 400 && overwrite.errorCode == "INVALID_PARAMETER_VALUE")
            let fetched = try await client.mlflow(.get, api("runs/get?run_id=\(id)"))
            try Golden.check("runs_get_with_inputs", fetched.text)
            let history = try await client.mlflow(.get, api("metrics/get-history?run_id=\(id)&metric_key=loss"))
            #expect((history.json["metrics"] as? [Any])?.count == 2)
            let search = try await client.mlflow(
                .post,
                api("runs/search"),
                #"{"experiment_ids":["\#(exp)"],"run_view_type":"ACTIVE_ONLY","filter":"metrics.loss < 1","max_results":10,"order_by":["metrics.loss ASC"]}"#
            )
            #expect((search.json["runs"] as? [Any])?.count == 1, "\(search.text)")
            let none = try await client.mlflow(
                .post,
                api("runs/search"),
                #"{"experiment_ids":["\#(exp)"],"filter":"attributes.status = 'FINISHED'"}"#
            )
            #expect(none.status == 200 && none.text == "{}")
            for flavor in ["a", "b"] {
                let logged = try await client.mlflow(
                    .post,
                    api("runs/log-model"),
                    #"{"run_id":"\#(id)","model_json":"{\"artifact_path\": \"model\", \"flavors\": {\"\#(flavor)\": {}}}"}"#
                )
                #expect(logged.status == 200 && logged.text == "{}", "\(logged.text)")
            }
            let withHistory = try await client.mlflow(.get, api("runs/get?run_id=\(id)"))
            let runTags =
                ((withHistory.json["run"] as? [String: Any])?["data"] as? [String: Any])?["tags"] as? [[String: Any]]
            let historyTag = runTags?.first { $0["key"] as? String == "mlflow.log-model.history" }
            let modelHistory = historyTag?["value"] as? String
            let models = try JSONSerialization.jsonObject(with: Data((modelHistory ?? "[]").utf8)) as? [Any]
            #expect(models?.count == 2)
            #expect(try await client.mlflow(.post, api("runs/delete"), #"{"run_id":"\#(id)"}"#).text == "{}")
            #expect(try await client.mlflow(.post, api("runs/restore"), #"{"run_id":"\#(id)"}"#).text == "{}")
        }
    }

    @Test("logged models: search by name, tags set and deleted by path")
    func loggedModels() async throws {
        try await MLflowHarness.run { _, client in
            let (experiment, _, modelID) = try await MLflowSeedFlowTests.logModel(client, golden: false)
            let search = try await client.mlflow(
                .post,
                api("logged-models/search"),
                #"{"experiment_ids":["\#(experiment)"],"filter":"name = 'model'"}"#
            )
            #expect((search.json["models"] as? [Any])?.count == 1, "\(search.text)")
            let metric = try await client.mlflow(
                .post,
                api("logged-models/search"),
                #"{"experiment_ids":["\#(experiment)"],"filter":"metrics.accuracy > 0.5","max_results":5}"#
            )
            #expect((metric.json["models"] as? [Any])?.count == 1, "\(metric.text)")
            let none = try await client.mlflow(
                .post,
                api("logged-models/search"),
                #"{"experiment_ids":["\#(experiment)"],"filter":"name = 'nope'"}"#
            )
            #expect(none.text == "{}")
            let set = try await client.mlflow(
                .patch,
                api("logged-models/\(modelID)/tags"),
                #"{"tags":[{"key":"reviewed","value":"yes"}]}"#
            )
            #expect(set.text == "{}")
            let delete = try await client.raw(.delete, api("logged-models/\(modelID)/tags/reviewed"))
            #expect(delete.status == 200 && delete.text == "{}", "\(delete.text)")
            let model = try await client.mlflow(.get, api("logged-models/\(modelID)"))
            let tags = ((model.json["model"] as? [String: Any])?["info"] as? [String: Any])?["tags"] as? [[String: Any]]
            #expect(tags?.contains { $0["key"] as? String == "reviewed" } == false)
            let removed = try await client.raw(.delete, api("logged-models/\(modelID)"))
            #expect(removed.status == 200 && removed.text == "{}", "\(removed.text)")
        }
    }
}

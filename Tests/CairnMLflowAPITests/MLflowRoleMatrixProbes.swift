import CairnCore
import CairnHTTP
import CairnTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A column of the MLflow role matrix (the native API's columns).
typealias MatrixCaller = RoleMatrixCaller

extension RoleMatrixCaller {
    /// Whether `rule` lets this caller through.
    func isAllowed(by rule: AccessRule) -> Bool {
        switch rule {
        case .public: true
        case .authenticated: role != nil
        case .requires(let action): mayDo(action)
        // Any caller reaches the core, which answers by the part token alone (the probe sends a wrong one).
        case .partToken: true
        }
    }
}

/// A column's MLflow fixtures: experiment, run, logged model (ids), registered model `rm-<c>` with versions 1 and 2,
/// an artifact, tags and an alias; `rr-<c>` to rename.
struct MLflowFixtures: Sendable {
    var experiment: String
    var run: String
    var model: String
    var column: String

    static func seed(_ c: MatrixCaller, _ client: any TestClientProtocol) async throws -> MLflowFixtures {
        let name = c.rawValue
        let experiment = try #require(
            try await client.mlflow(.post, api("experiments/create"), #"{"name":"exp-\#(name)"}"#)
                .json["experiment_id"] as? String
        )
        let runReply = try await client.mlflow(.post, api("runs/create"), #"{"experiment_id":"\#(experiment)"}"#)
        let run = try #require(
            ((runReply.json["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String
        )
        let modelReply = try await client.mlflow(
            .post,
            api("logged-models"),
            #"{"experiment_id":"\#(experiment)","name":"model","source_run_id":"\#(run)"}"#
        )
        let model = try #require(
            ((modelReply.json["model"] as? [String: Any])?["info"] as? [String: Any])?["model_id"] as? String
        )
        let fixtures = MLflowFixtures(experiment: experiment, run: run, model: model, column: name)
        for (path, body) in [
            ("registered-models/create", #"{"name":"rm-\#(name)"}"#),
            ("registered-models/create", #"{"name":"rr-\#(name)"}"#),
            ("model-versions/create", #"{"name":"rm-\#(name)","source":"models:/\#(model)","model_id":"\#(model)"}"#),
            ("model-versions/create", #"{"name":"rm-\#(name)","source":"models:/\#(model)","model_id":"\#(model)"}"#),
            ("registered-models/alias", #"{"name":"rm-\#(name)","alias":"champ","version":"1"}"#),
            ("registered-models/set-tag", #"{"name":"rm-\#(name)","key":"k","value":"v"}"#),
        ] {
            let reply = try await client.mlflow(.post, api(path), body)
            try #require(reply.status == 200, "seeding \(path): \(reply.text)")
        }
        let put = try await client.raw(
            .put,
            fixtures.artifacts + "/f.txt",
            headers: [.contentType: "text/plain"],
            body: "x"
        )
        try #require(put.status == 200)
        return fixtures
    }

    var artifacts: String { "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/\(run)/artifacts" }
    /// A multipart route on the run's artifact directory.
    func mpu(_ verb: String) -> String { "/api/2.0/mlflow-artifacts/mpu/\(verb)/\(experiment)/\(run)/artifacts" }
    /// A well-formed id that names no multipart upload.
    var unknownUpload: String { String(repeating: "0", count: 32) }

    /// The request of each operation (`METHOD path` as in `MLflowAPI.routeRules`): (uri, JSON body).
    func probe(_ method: String, _ path: String) -> (uri: String, body: String?) {
        let (e, r, m, c) = (experiment, run, model, column)
        let rm = #""name":"rm-\#(c)""#
        let table: [String: (String, String?)] = [
            "POST experiments/create": ("", #"{"name":"new-\#(c)"}"#),
            "GET experiments/get": ("?experiment_id=\(e)", nil),
            "GET experiments/get-by-name": ("?experiment_name=exp-\(c)", nil),
            "POST experiments/search": ("", #"{"max_results":10}"#),
            "GET experiments/search": ("?max_results=10", nil),
            "POST experiments/update": ("", #"{"experiment_id":"\#(e)","new_name":"exp2-\#(c)"}"#),
            "POST experiments/set-experiment-tag": ("", #"{"experiment_id":"\#(e)","key":"k","value":"v"}"#),
            "POST experiments/delete-experiment-tag": ("", #"{"experiment_id":"\#(e)","key":"k"}"#),
            "POST experiments/delete": ("", #"{"experiment_id":"\#(e)"}"#),
            "POST experiments/restore": ("", #"{"experiment_id":"\#(e)"}"#),
            "POST logged-models": ("", #"{"experiment_id":"\#(e)"}"#),
            "POST logged-models/search": ("", #"{"experiment_ids":["\#(e)"]}"#),
            "GET logged-models/:model_id": ("/\(m)", nil),
            "PATCH logged-models/:model_id": ("/\(m)", #"{"status":"LOGGED_MODEL_READY"}"#),
            "DELETE logged-models/:model_id": ("/\(m)", nil),
            "PATCH logged-models/:model_id/tags": ("/\(m)/tags", #"{"tags":[{"key":"k","value":"v"}]}"#),
            "DELETE logged-models/:model_id/tags/:key": ("/\(m)/tags/k", nil),
            "POST runs/create": ("", #"{"experiment_id":"\#(e)"}"#),
            "GET runs/get": ("?run_id=\(r)", nil),
            "POST runs/update": ("", #"{"run_id":"\#(r)","status":"RUNNING"}"#),
            "POST runs/delete": ("", #"{"run_id":"\#(r)"}"#),
            "POST runs/restore": ("", #"{"run_id":"\#(r)"}"#),
            "POST runs/search": ("", #"{"experiment_ids":["\#(e)"]}"#),
            "POST runs/log-parameter": ("", #"{"run_id":"\#(r)","key":"p","value":"1"}"#),
            "POST runs/log-metric": ("", #"{"run_id":"\#(r)","key":"m","value":1,"timestamp":1,"step":0}"#),
            "POST runs/log-batch": ("", #"{"run_id":"\#(r)","params":[{"key":"q","value":"2"}]}"#),
            "POST runs/set-tag": ("", #"{"run_id":"\#(r)","key":"k","value":"v"}"#),
            "POST runs/delete-tag": ("", #"{"run_id":"\#(r)","key":"k"}"#),
            "POST runs/log-inputs": ("", #"{"run_id":"\#(r)","datasets":[]}"#),
            "POST runs/outputs": ("", #"{"run_id":"\#(r)","models":[{"model_id":"\#(m)","step":0}]}"#),
            "POST runs/log-model": (
                "", #"{"run_id":"\#(r)","model_json":"{\"artifact_path\": \"model\", \"flavors\": {\"x\": {}}}"}"#
            ),
            "GET metrics/get-history": ("?run_id=\(r)&metric_key=m", nil),
            "POST registered-models/create": ("", #"{"name":"new-\#(c)"}"#),
            "GET registered-models/get": ("?name=rm-\(c)", nil),
            "GET registered-models/search": ("", nil),
            "PATCH registered-models/update": ("", #"{\#(rm),"description":"d"}"#),
            "POST registered-models/rename": ("", #"{"name":"rr-\#(c)","new_name":"rr2-\#(c)"}"#),
            "DELETE registered-models/delete": ("", #"{\#(rm)}"#),
            "POST registered-models/set-tag": ("", #"{\#(rm),"key":"k","value":"v"}"#),
            "DELETE registered-models/delete-tag": ("", #"{\#(rm),"key":"k"}"#),
            "POST registered-models/alias": ("", #"{\#(rm),"alias":"champ","version":"1"}"#),
            "GET registered-models/alias": ("?name=rm-\(c)&alias=champ", nil),
            "DELETE registered-models/alias": ("", #"{\#(rm),"alias":"champ"}"#),
            "POST registered-models/get-latest-versions": ("", #"{\#(rm)}"#),
            "GET registered-models/get-latest-versions": ("?name=rm-\(c)", nil),
            "POST model-versions/create": ("", #"{\#(rm),"source":"models:/\#(m)","model_id":"\#(m)"}"#),
            "GET model-versions/get": ("?name=rm-\(c)&version=1", nil),
            "PATCH model-versions/update": ("", #"{\#(rm),"version":"1","description":"d"}"#),
            "POST model-versions/transition-stage": (
                "", #"{\#(rm),"version":"1","stage":"Staging","archive_existing_versions":false}"#
            ),
            "DELETE model-versions/delete": ("", #"{\#(rm),"version":"2"}"#),
            "POST model-versions/set-tag": ("", #"{\#(rm),"version":"1","key":"k","value":"v"}"#),
            "DELETE model-versions/delete-tag": ("", #"{\#(rm),"version":"1","key":"k"}"#),
            "GET model-versions/get-download-uri": ("?name=rm-\(c)&version=1", nil),
            "GET model-versions/search": ("?filter=\(q("name='rm-\(c)'"))", nil),
        ]
        let prefix = "/api/2.0/mlflow/"
        if path.hasPrefix(prefix) {
            let relative = String(path.dropFirst(prefix.count))
            let base = relative.hasPrefix("logged-models/:") ? "logged-models" : relative
            if let (suffix, body) = table["\(method) \(relative)"] { return (prefix + base + suffix, body) }
        }
        switch "\(method) \(path)" {
        case "GET /api/2.0/mlflow-artifacts/artifacts": return (path + "?path=" + q("\(e)/\(r)/artifacts"), nil)
        case "PUT /api/2.0/mlflow-artifacts/artifacts/**": return (artifacts + "/new.txt", "data")
        case "GET /api/2.0/mlflow-artifacts/artifacts/**", "DELETE /api/2.0/mlflow-artifacts/artifacts/**":
            return (artifacts + "/f.txt", nil)
        case "POST /api/2.0/mlflow-artifacts/mpu/create/**":
            return (mpu("create") + "/big.bin", #"{"path":"big.bin","num_parts":2}"#)
        case "POST /api/2.0/mlflow-artifacts/mpu/complete/**":
            return (mpu("complete") + "/big.bin", #"{"upload_id":"\#(unknownUpload)","parts":[]}"#)
        case "POST /api/2.0/mlflow-artifacts/mpu/abort/**":
            return (mpu("abort") + "/big.bin", #"{"upload_id":"\#(unknownUpload)"}"#)
        case "PUT /api/2.0/mlflow-artifacts/mpu/part/:upload_id/:part_number":
            return ("/api/2.0/mlflow-artifacts/mpu/part/\(unknownUpload)/1", "part")
        default:
            // Health, version, server info and the fallbacks (wrong method, unknown path).
            return (path.replacingOccurrences(of: "/**", with: "/nope"), method == "GET" ? nil : "{}")
        }
    }
}

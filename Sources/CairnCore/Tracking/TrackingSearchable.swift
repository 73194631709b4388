/// An entity a tracking search can filter and sort: the fields it exposes, with their types.
protocol TrackingSearchable {
    /// For messages: "run", "experiment", "logged model".
    static var kind: String { get }
    /// The attribute keys and whether each is numeric.
    static var attributes: [String: Bool] { get }
    /// Whether `datasets.*` fields apply.
    static var supportsDatasets: Bool { get }

    func attribute(_ key: String) -> SearchValue?
    func metric(_ key: String) -> Double?
    func param(_ key: String) -> String?
    func tag(_ key: String) -> String?
    /// The values of a dataset field over the entity's inputs (`name`, `digest`, `context`).
    func datasetValues(_ key: String) -> [String]
    /// The last sort key: a unique id, compared by code point.
    var tieBreaker: String.UTF8View { get }
}

extension TrackingSearchable {
    static var supportsDatasets: Bool { false }
    func datasetValues(_ key: String) -> [String] { [] }

    static func isNumeric(_ field: SearchClause.Field) -> Bool {
        switch field {
        case .attribute(let key): attributes[key] ?? false
        case .metric: true
        case .param, .tag, .dataset: false
        }
    }

    func value(of field: SearchClause.Field) -> SearchValue? {
        switch field {
        case .attribute(let key): attribute(key)
        case .metric(let key): metric(key).map(SearchValue.number)
        case .param(let key): param(key).map(SearchValue.string)
        case .tag(let key): tag(key).map(SearchValue.string)
        case .dataset: nil
        }
    }
}

extension Run: TrackingSearchable {
    static let kind = "run"
    static let attributes = [
        "run_id": false, "run_name": false, "status": false, "user_id": false, "start_time": true, "end_time": true,
        "artifact_uri": false, "lifecycle_stage": false, "created": true,
    ]
    static var supportsDatasets: Bool { true }

    func attribute(_ key: String) -> SearchValue? {
        switch key {
        case "run_id": .string(id)
        case "run_name": .string(name)
        case "status": .string(status.rawValue)
        case "user_id": .string(userID)
        case "start_time", "created": startTime.map { .number(Double($0)) }  // `created`: MLflow's alias
        case "end_time": endTime.map { .number(Double($0)) }
        case "artifact_uri": .string(artifactURI)
        case "lifecycle_stage": .string(lifecycleStage.rawValue)
        default: nil
        }
    }
    func metric(_ key: String) -> Double? { metrics[key]?.value }
    func param(_ key: String) -> String? { params[key] }
    func tag(_ key: String) -> String? { tags[key] }
    func datasetValues(_ key: String) -> [String] {
        inputs.compactMap { input in
            switch key {
            case "name": input.dataset.name
            case "digest": input.dataset.digest
            case "context": input.tags.first { $0.key == "mlflow.data.context" }?.value
            default: nil
            }
        }
    }
    var tieBreaker: String.UTF8View { id.utf8 }
}

extension Experiment: TrackingSearchable {
    static let kind = "experiment"
    static let attributes = ["name": false, "experiment_id": true, "creation_time": true, "last_update_time": true]

    func attribute(_ key: String) -> SearchValue? {
        switch key {
        case "name": .string(name)
        case "experiment_id": Double(id).map(SearchValue.number)  // ids are decimal: compared and sorted as numbers
        case "creation_time": .number(Double(TrackingTime.millis(createdAt)))
        case "last_update_time": .number(Double(TrackingTime.millis(updatedAt)))
        default: nil
        }
    }
    func metric(_ key: String) -> Double? { nil }
    func param(_ key: String) -> String? { nil }
    func tag(_ key: String) -> String? { tags[key] }
    // Numeric ids sort as numbers: "2" before "10". Zero-padding makes the byte order the numeric order.
    var tieBreaker: String.UTF8View {
        let digits = id.count < 20 ? String(repeating: "0", count: 20 - id.count) + id : id
        return digits.utf8
    }
}

extension LoggedModel: TrackingSearchable {
    static let kind = "logged model"
    static let attributes = [
        "name": false, "model_id": false, "status": false, "model_type": false, "source_run_id": false,
        "creation_timestamp": true, "creation_time": true, "last_updated_timestamp": true, "last_updated_time": true,
    ]

    func attribute(_ key: String) -> SearchValue? {
        switch key {
        case "name": .string(name)
        case "status": .string(status.rawValue)
        case "model_id": .string(id)
        case "model_type": .string(modelType)
        case "source_run_id": sourceRunID.map(SearchValue.string)
        // `creation_time` and `last_updated_time`: the names MLflow's filter and order_by also accept.
        case "creation_timestamp", "creation_time": .number(Double(TrackingTime.millis(createdAt)))
        case "last_updated_timestamp", "last_updated_time": .number(Double(TrackingTime.millis(updatedAt)))
        default: nil
        }
    }
    func metric(_ key: String) -> Double? {
        metrics.filter { $0.key == key }.max { $1.isNewer(than: $0) }?.value
    }
    func param(_ key: String) -> String? { params[key] }
    func tag(_ key: String) -> String? { tags[key] }
    var tieBreaker: String.UTF8View { id.utf8 }
}

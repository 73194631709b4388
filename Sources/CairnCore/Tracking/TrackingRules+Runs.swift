extension TrackingRules {
    /// Longest dataset name, in characters (MLflow's limit).
    public static let maxDatasetNameLength = 500
    /// Longest dataset digest, in characters (MLflow's limit).
    public static let maxDatasetDigestLength = 36

    /// MLflow's limits on one `log-batch`: at most 1,000 metrics, 100 params and 100 tags; valid keys; metric dataset
    /// names and digests within the dataset limits; param values of at most 6,000 characters; tag values of at most
    /// 8,000.
    /// - Throws: `.invalidArgument` naming the first broken rule.
    public static func validateBatch(
        metrics: [MetricPoint],
        params: [String: String],
        tags: [String: String]
    ) throws(RegistryError) {
        guard metrics.count <= maxMetricsPerBatch else {
            throw .invalid("A batch may log at most \(maxMetricsPerBatch) metrics; got \(metrics.count). Split it.")
        }
        guard params.count <= maxParamsPerBatch else {
            throw .invalid("A batch may log at most \(maxParamsPerBatch) params; got \(params.count). Split it.")
        }
        guard tags.count <= maxTagsPerBatch else {
            throw .invalid("A batch may set at most \(maxTagsPerBatch) tags; got \(tags.count). Split it.")
        }
        for point in metrics {
            try validateKey(point.key, kind: "metric")
            if let name = point.datasetName, name.count > maxDatasetNameLength || name.contains("\u{0}") {
                throw .invalid("The dataset name of metric '\(point.key)' is longer than \(maxDatasetNameLength).")
            }
            if let digest = point.datasetDigest, digest.count > maxDatasetDigestLength || digest.contains("\u{0}") {
                throw .invalid(
                    "The dataset digest of metric '\(point.key)' is longer than \(maxDatasetDigestLength) characters."
                )
            }
        }
        for (key, value) in params {
            try validateKey(key, kind: "param")
            guard value.count <= maxParamValueLength else {
                throw .invalid(
                    "The value of param '\(key)' is \(value.count) characters; the limit is \(maxParamValueLength)."
                )
            }
            if value.unicodeScalars.contains(where: { $0.value == 0 }) {
                throw .invalid("The value of param '\(key)' contains a NUL character.")
            }
        }
        try validateTags(tags)
    }

    /// Dataset inputs: a non-empty name (≤ 500 characters) and digest (≤ 36), valid tag keys and values.
    /// - Throws: `.invalidArgument`.
    public static func validateInputs(_ inputs: [RunInput]) throws(RegistryError) {
        for input in inputs {
            let dataset = input.dataset
            guard !dataset.name.isEmpty, dataset.name.count <= maxDatasetNameLength else {
                throw .invalid("A dataset name must be 1 to \(maxDatasetNameLength) characters long.")
            }
            guard !dataset.digest.isEmpty, dataset.digest.count <= maxDatasetDigestLength else {
                throw .invalid(
                    "The digest of dataset '\(dataset.name)' must be 1 to \(maxDatasetDigestLength) characters long."
                )
            }
            for tag in input.tags {
                try validateKey(tag.key, kind: "input tag")
                try validateTagValue(tag.value, key: tag.key)
            }
        }
    }
}

import CairnHTTP
import Foundation
import Testing

/// Golden files pin MLflow response shapes (`Golden/<name>.json`).
///
/// A response is compared after volatile values are replaced: timestamps become `"<ts>"`, run ids `"<run_id>"`,
/// logged-model ids `"<model_id>"`, page tokens `"<token>"`, digests `"<digest>"`. Keys are sorted. A missing golden
/// file fails the test unless `CAIRN_UPDATE_GOLDEN=1`, which writes it (review the diff before committing).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let timestampKeys: Set<String> = [
        "creation_timestamp", "last_updated_timestamp", "creation_time", "last_update_time", "start_time", "end_time",
        "timestamp", "creation_timestamp_ms", "last_updated_timestamp_ms",
    ]

    /// Compares `text` (a JSON body) with `Golden/<name>.json`.
    static func check(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let normalized = try normalize(text)
        let file = directory.appendingPathComponent(name + ".json")
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            if ProcessInfo.processInfo.environment["CAIRN_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try normalized.write(to: file, atomically: true, encoding: .utf8)
                return
            }
            Issue.record(
                "Missing golden file \(name).json; run with CAIRN_UPDATE_GOLDEN=1",
                sourceLocation: sourceLocation
            )
            return
        }
        #expect(normalized == expected, "golden \(name) differs:\n\(normalized)", sourceLocation: sourceLocation)
    }

    static func normalize(_ text: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(
            withJSONObject: scrub(object, key: nil),
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        )
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func scrub(_ value: Any, key: String?) -> Any {
        if let key, timestampKeys.contains(key), value is NSNumber { return "<ts>" }
        if key == "next_page_token" { return "<token>" }
        if key == "etag" { return "<digest>" }
        switch value {
        case let dictionary as [String: Any]:
            return Dictionary(uniqueKeysWithValues: dictionary.map { ($0.key, scrub($0.value, key: $0.key)) })
        case let array as [Any]:
            return array.map { scrub($0, key: nil) }
        case let string as String:
            return scrubIDs(string)
        default:
            return value
        }
    }

    static func scrubIDs(_ text: String) -> String {
        var result = text.replacingOccurrences(of: "sha256:[0-9a-f]{64}", with: "<digest>", options: .regularExpression)
        result = result.replacingOccurrences(
            of: "_cairn/versions/[^/]+",
            with: "_cairn/versions/<version_id>",
            options: .regularExpression
        )
        result = result.replacingOccurrences(of: "m-[0-9a-f]{32}", with: "<model_id>", options: .regularExpression)
        result = result.replacingOccurrences(of: "[0-9a-f]{32}", with: "<run_id>", options: .regularExpression)
        return result
    }
}

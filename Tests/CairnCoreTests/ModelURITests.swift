import CairnCore
import Testing

@Suite("models:/ URIs and version references")
struct ModelURITests {
    @Test(
        "parses numbers, latest, stages in any case and aliases",
        arguments: [
            ("models:/fraud/3", "fraud", VersionReference.number(3)),
            ("models:/fraud/1", "fraud", .number(1)),
            ("models:/fraud/123456", "fraud", .number(123_456)),
            ("models:/fraud/latest", "fraud", .latest),
            ("models:/fraud/LATEST", "fraud", .latest),
            ("models:/fraud/Production", "fraud", .stage(.production)),
            ("models:/fraud/production", "fraud", .stage(.production)),
            ("models:/fraud/STAGING", "fraud", .stage(.staging)),
            ("models:/fraud/none", "fraud", .stage(.none)),
            ("models:/fraud/Archived", "fraud", .stage(.archived)),
            ("models:/fraud@champion", "fraud", .alias("champion")),
            ("models:/my model/2", "my model", .number(2)),
            ("models:/日本語モデル@blue-green", "日本語モデル", .alias("blue-green")),
            // `%` and `\` are part of the name, never decoded or split.
            ("models:/a%2Fb/1", "a%2Fb", .number(1)),
            ("models:/100% recall@champion", "100% recall", .alias("champion")),
            ("models:/win\\dows/latest", "win\\dows", .latest),
        ]
    )
    func parses(text: String, name: String, reference: VersionReference) throws {
        let uri = try ModelURI(parsing: text)
        #expect(uri.modelName == name)
        #expect(uri.reference == reference)
    }

    @Test(
        "prints the canonical form, which parses back to the same URI",
        arguments: [
            ("models:/m/3", "models:/m/3"), ("models:/m/latest", "models:/m/latest"),
            ("models:/m/production", "models:/m/Production"), ("models:/m@champion", "models:/m@champion"),
        ]
    )
    func roundTrips(text: String, canonical: String) throws {
        let uri = try ModelURI(parsing: text)
        #expect(uri.description == canonical)
        #expect(try ModelURI(parsing: uri.description) == uri)
    }

    @Test(
        "refuses every other shape with a message listing the accepted forms",
        arguments: [
            "models:/", "models://x/1", "models:/a/b/c", "models:/a/0", "models:/a/-1", "models:/a/1.5", "models:/a/+1",
            "models:/a/", "models:/a", "models:/a@", "models:/@champion", "models:/a@latest", "models:/a@v3",
            "models:/a@b@c", "models:/a?b/1", "models:/a#b/1", "models:/a/1/", "models:/a/ 1", "models:/a/1e3",
            "models:/a/0x10",
            "models:/a/99999999999999999999", "models:/a/١", "models:/a/Prod", "model:/a/1", "MODELS:/a/1", "/a/1",
            "runs:/abc/model", "", " models:/a/1", "models:/a/b%2F1", "models:/a:b/1",
        ]
    )
    func refusesInvalidShapes(text: String) {
        let error = expectInvalid { _ = try ModelURI(parsing: text) }
        #expect(error?.message.isEmpty == false)
    }

    @Test("a malformed URI's message shows the accepted forms")
    func messageShowsForms() {
        let error = expectInvalid { _ = try ModelURI(parsing: "models:/a/b/c") }
        #expect(error?.message.contains("models:/NAME/VERSION") == true)
        let reference = expectInvalid { _ = try ModelURI(parsing: "models:/a/1.5") }
        #expect(reference?.message.contains("latest") == true)
    }

    @Test(
        "version references parse on their own too",
        arguments: [
            ("7", VersionReference.number(7)), ("latest", .latest), ("staging", .stage(.staging)),
            ("@champion", .alias("champion")),
        ]
    )
    func versionReferences(text: String, expected: VersionReference) throws {
        #expect(try VersionReference(parsing: text) == expected)
    }

    @Test("stage names parse case-insensitively and nothing else parses")
    func stages() {
        for stage in Stage.allCases {
            #expect(Stage(caseInsensitive: stage.rawValue.uppercased()) == stage)
        }
        #expect(Stage(caseInsensitive: "prod") == nil)
        #expect(Stage(caseInsensitive: "") == nil)
    }
}

import CairnCore
import CairnMLflowFiles
import CairnTesting
import Foundation
import Testing

/// The MLmodel reader against real files written by both mlflow clients (`Fixtures/`, from `save_model` of sklearn
/// and pyfunc models: 4 columns with quotes and colons in their names, artifacts, 1,000 columns, a params schema, an
/// input example, metadata, no signature), hostile YAML, and seeded mutations of the real files.
@Suite("MLmodel files read with a real YAML parser")
struct YAMLMLmodelParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `(client, flavor case)` for every fixture, e.g. `("mlflow3", "pyfunc-1000-columns")`.
    static let cases: [(String, String)] = ["mlflow2", "mlflow3"].flatMap { client in
        [
            "sklearn-4-columns", "pyfunc-artifacts", "pyfunc-1000-columns", "pyfunc-params-example-metadata",
            "pyfunc-no-signature",
        ].map { (client, $0) }
    }

    static func file(_ client: String, _ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent("\(client)-\(name).MLmodel"), encoding: .utf8)
    }

    /// What the client itself read back (`Model.load(path).signature.to_dict()`), per case.
    static func expected(_ client: String) throws -> [String: [String: String?]?] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("\(client)-expected.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return object.mapValues { value in
            (value as? [String: Any]).map { fields in fields.mapValues { $0 as? String } }
        }
    }

    @Test("every fixture reads back the signature the client wrote, byte for byte", arguments: cases)
    func realFiles(_ client: String, _ name: String) throws {
        let document = try YAMLMLmodelParser().parse(try Self.file(client, name))
        let want = try #require(try Self.expected(client)[name])
        guard let want else {
            #expect(document.signature == nil)
            return
        }
        let signature = try #require(document.signature)
        #expect(signature.inputs == want["inputs"] ?? nil)
        #expect(signature.outputs == want["outputs"] ?? nil)
        #expect(signature.params == want["params"] ?? nil)
        for json in [signature.inputs, signature.outputs, signature.params].compactMap({ $0 }) {
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "not JSON: \(json.prefix(80))")
        }
    }

    @Test("the 1,000-column signature that the line-by-line reader cut short reads whole")
    func wideSignature() throws {
        let signature = try #require(
            try YAMLMLmodelParser().parse(try Self.file("mlflow3", "pyfunc-1000-columns")).signature
        )
        let columns = try #require(
            try JSONSerialization.jsonObject(with: Data((signature.inputs ?? "").utf8)) as? [Any]
        )
        #expect(columns.count == 1000)
    }

    @Test("scalars in every YAML style read as MLflow wrote them; null is absent")
    func styles() throws {
        let parser = YAMLMLmodelParser()
        let folded = "signature:\n  inputs: '[{\"name\": \"a b\",\n    \"type\": \"double\"}]'\n  outputs: null\n"
        #expect(try parser.parse(folded).signature == ModelSignature(inputs: #"[{"name": "a b", "type": "double"}]"#))
        let doubleQuoted = "signature: {inputs: \"[\\\"x\\\"]\", outputs: ~, params: '[1]'}\n"
        #expect(try parser.parse(doubleQuoted).signature == ModelSignature(inputs: #"["x"]"#, params: "[1]"))
        let block = "signature:\n  inputs: |-\n    [1,\n     2]\n"
        #expect(try parser.parse(block).signature == ModelSignature(inputs: "[1,\n 2]"))
        let quotedNull = "signature:\n  inputs: 'null'\n"
        #expect(try parser.parse(quotedNull).signature == ModelSignature(inputs: "null"))
        for empty in ["", "flavors: {}\n", "signature:\n", "signature: null\n", "signature: {inputs: null}\n"] {
            #expect(try parser.parse(empty).signature == nil, "\(empty.debugDescription)")
        }
    }

    @Test("text that is not an MLmodel mapping is refused with where and why, never its content")
    func refusals() {
        let parser = YAMLMLmodelParser()
        let cases: [(String, String)] = [
            ("signature: [unclosed\n", "line"),
            ("- a\n- b\n", "must be a YAML mapping"),
            ("signature: [inputs]\n", "signature must be a mapping"),
            ("signature:\n  inputs: [1, 2]\n", "signature.inputs must be a string"),
            ("a: 1\n---\nb: 2\n", "not YAML"),
            ("signature: *undefined\n", "not YAML"),
            ("\tsignature: secret-value\n", "not YAML"),
        ]
        for (text, fragment) in cases {
            do {
                _ = try parser.parse(text)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.code == .invalidArgument, "\(text.debugDescription)")
                #expect(error.message.contains(fragment), "\(text.debugDescription): \(error.message)")
                #expect(!error.message.contains("secret-value"))
            }
        }
    }

    @Test("aliases cost nothing: a billion-laughs document parses in bounded time and memory")
    func billionLaughs() throws {
        var text = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...12 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 9).joined(separator: ", "))]\n"
        }
        text += "signature: {inputs: '[1]'}\n"
        let started = ContinuousClock.now
        #expect(try YAMLMLmodelParser().parse(text).signature == ModelSignature(inputs: "[1]"))
        #expect(ContinuousClock.now - started < .seconds(5))
        let aliased = "x: &s {inputs: '[2]'}\nsignature: *s\n"
        #expect(try YAMLMLmodelParser().parse(aliased).signature == ModelSignature(inputs: "[2]"))
    }

    @Test("seeded mutations of the real files either parse or are refused as invalid, and parse the same twice")
    func mutations() throws {
        let parser = YAMLMLmodelParser()
        let seeds = try Self.cases.filter { $0.1 != "pyfunc-1000-columns" }.map {
            try Array(Self.file($0.0, $0.1).utf8)
        }
        let tokens = Array("'\"\n  :-[]{}&*!|>#%@`,?\t\\\u{0}\u{FEFF}é".utf8)
        var random = SplitMix64(seed: 0x4D4C_6D6F_6465_6C00)
        var parsed = 0
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + random.next() % 4) {
                let at = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 4 {
                case 0: bytes.insert(tokens[Int(random.next() % UInt64(tokens.count))], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                case 2: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
                default:
                    let end = min(bytes.count, at + Int(random.next() % 64))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let first = try parser.parse(text)
                #expect(try parser.parse(text) == first)
                parsed += 1
            } catch {
                #expect(error.code == .invalidArgument, "\(error)")
                refused += 1
            }
        }
        #expect(parsed > 100 && refused > 100, "parsed \(parsed), refused \(refused)")
    }
}

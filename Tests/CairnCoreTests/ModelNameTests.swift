import CairnCore
import Testing

@Suite("Model names")
struct ModelNameTests {
    @Test(
        "accepts names of 1 to 256 printable characters, any script, with inner spaces",
        arguments: [
            "a", "fraud-detector", "résumé ranker", "日本語モデル", "модель_2", "emoji 🚀 model", "model.v2", "...",
            "a b  c", "A_B-c.d", String(repeating: "a", count: 256), String(repeating: "é", count: 256),
            // Allowed as in MLflow: safe with models:/ URIs and with paths decoded exactly once.
            "100% recall", "a%2Fb", "win\\dows", "%", "\\",
        ]
    )
    func acceptsValidNames(name: String) throws {
        try ModelName.validate(name)
    }

    @Test(
        "refuses names that would make URIs or paths ambiguous",
        arguments: ["/", ":", "?", "@", "#", "/\u{301}", ":\u{65D}", "@\u{20DD}"]
    )
    func refusesForbiddenCharacters(character: String) {
        let error = expectInvalid { try ModelName.validate("model\(character)name") }
        #expect(error?.message.contains(character) == true, "the message names the offending character")
    }

    @Test(
        "refuses empty, over-long, reserved, control, format and undecodable names",
        arguments: [
            "", String(repeating: "a", count: 257), ".", "..", "a\u{0}b", "a\u{7}b", "a\nb", "\tab", "a\u{7F}b",
            "a\u{85}b", "a\u{FFFD}b", "a\u{202E}b", "\u{202E}ledom", "a\u{200B}b", "a\u{FEFF}", " model", "model ",
            "\u{A0}model", "model\u{3000}",
        ]
    )
    func refusesInvalidNames(name: String) {
        expectInvalid { try ModelName.validate(name) }
    }

    @Test("the limit is 256 characters, not bytes")
    func limitCountsCharacters() throws {
        try ModelName.validate(String(repeating: "🚀", count: 256))
        let error = expectInvalid { try ModelName.validate(String(repeating: "🚀", count: 257)) }
        #expect(error?.message.contains("256") == true)
    }

    @Test(
        "a name is bounded in bytes too: one character with thousands of combining marks is refused",
        .bug(id: "core-modelname-bytes", "ModelName limits Characters only; index keys need a byte bound")
    )
    func boundedInBytes() {
        // One extended grapheme cluster: "a" and 5,000 combining acute accents, 10,001 UTF-8 bytes. Stores index the
        // name (PostgreSQL refuses B-tree keys over ~2.7 kB with an internal error), and URIs and logs carry it.
        let zalgo = "a" + String(repeating: "\u{0301}", count: 5000)
        #expect(zalgo.count == 1)
        expectInvalid { try ModelName.validate(zalgo) }
    }
}

@Suite("Alias names")
struct AliasNameTests {
    @Test(
        "accepts letters, digits, '_' and '-' starting with a letter or '_'",
        arguments: [
            "champion", "Challenger", "_shadow", "blue-green", "a", "v", "V", "v1a", "version3", "v_2", "latest2",
            "a" + String(repeating: "9", count: 254),
        ]
    )
    func acceptsValidAliases(alias: String) throws {
        try AliasName.validate(alias)
    }

    @Test("reserves 'latest' in any case", arguments: ["latest", "Latest", "LATEST"])
    func reservesLatest(alias: String) {
        let error = expectInvalid { try AliasName.validate(alias) }
        #expect(error?.message.contains("reserved") == true)
    }

    @Test("reserves version-like names", arguments: ["v3", "V12", "v0", "v007"])
    func reservesVersionLikeNames(alias: String) {
        let error = expectInvalid { try AliasName.validate(alias) }
        #expect(error?.message.contains("version") == true)
    }

    @Test(
        "refuses empty, over-long names, bad first characters and characters outside [A-Za-z0-9_-]",
        arguments: [
            "", "a" + String(repeating: "b", count: 255), "3rd", "-x", "a b", "a.b", "a@b", "a/b", "a:b", "é",
            "caf\u{E9}",
            "a\u{0}", "chámpion", "١",
        ]
    )
    func refusesInvalidAliases(alias: String) {
        expectInvalid { try AliasName.validate(alias) }
    }
}

@Suite("Tag rules")
struct TagRulesTests {
    @Test("accepts keys of 1 to 250 bytes and values of up to 8000 bytes, including empty and multi-line values")
    func acceptsValidTags() throws {
        try TagRules.validate(key: "k", value: "")
        try TagRules.validate(key: String(repeating: "k", count: 250), value: String(repeating: "v", count: 8000))
        try TagRules.validate(key: "owner team", value: "line one\nline two\ttabbed")
        try TagRules.validate(key: "mlflow.source.type", value: "日本語")
        try TagRules.validate(["a": "1", "b": "2"])
    }

    @Test(
        "refuses bad keys and values",
        arguments: [
            ("", "v"), (String(repeating: "k", count: 251), "v"), (String(repeating: "é", count: 126), "v"),
            ("a\nb", "v"), ("a\u{0}b", "v"), ("a\u{202E}", "v"), ("k", String(repeating: "v", count: 100_001)),
            ("k", "a\u{0}b"),
        ]
    )
    func refusesInvalidTags(key: String, value: String) {
        expectInvalid { try TagRules.validate(key: key, value: value) }
    }

    @Test("a tag map is refused when any one entry is bad")
    func refusesMapWithOneBadEntry() {
        expectInvalid { try TagRules.validate(["good": "1", "": "2"]) }
        expectInvalid { try TagRules.validate(["good": "1", "bad": "\u{0}"]) }
    }
}

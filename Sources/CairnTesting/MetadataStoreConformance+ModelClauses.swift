import CairnCore
import Testing

// MARK: - Model filter clauses (MLflow's search grammar on registered models)

extension MetadataStoreConformance {
    /// Models whose names and tags exercise case, Unicode case mapping, `%`, `_` and other stores' pattern syntax.
    static let clauseModels: [RegisteredModel] = [
        model("Fraud-Detector", tags: ["team": "Risk", "mlflow.prompt.is_prompt": "false"]),
        model("fraud_detector", tags: ["team": "risk"]),
        model("fraudXdetector"),
        model("100%_sure", tags: ["note": "50%_off"]),
        model("100 percent", tags: ["note": "50 off"]),
        model("Ünïcödé-模型", tags: ["lang": "日本語", "team": "ÉQUIPE"]),
        model("ünïcödé-模型", tags: ["team": "équipe"]),
        model("prompt-1", tags: ["mlflow.prompt.is_prompt": "true"]),
        model("a*b?[c]", tags: ["glob": "*?[]"]),
        model("a\\b", tags: ["glob": "\\"]),
        model("İstanbul", tags: ["city": "İSTANBUL"]),
        model("straße", tags: ["word": "STRASSE"]),
        model("cafe\u{301}", tags: ["word": "CAFE\u{301}"]),
    ]

    static let clauseTable: [ModelFilterClause] = {
        let name: [(ModelFilterClause.Operator, String)] = [
            (.equal, "fraud_detector"), (.equal, "FRAUD_DETECTOR"), (.notEqual, "fraud_detector"),
            (.like, "fraud%"), (.like, "Fraud%"), (.like, "fraud_detector"), (.like, "100%"), (.like, "%_sure"),
            (.like, "100\\%%"), (.like, "%模型"), (.like, "_nïcödé%"), (.like, "a*b?[c]"), (.like, "a*b%"),
            (.like, "%[c]"), (.like, "*%"), (.like, "a?b%"), (.like, "%"), (.like, ""), (.like, "_"),
            (.like, "a\\b"), (.like, "a\\%"), (.like, "caf_"), (.like, "caf__"), (.like, "%\u{301}"),
            (.caseInsensitiveLike, "fraud%"), (.caseInsensitiveLike, "FRAUD_DETECTOR"),
            (.caseInsensitiveLike, "ünïcödé%"), (.caseInsensitiveLike, "ÜNÏCÖDÉ-模型"),
            (.caseInsensitiveLike, "i\u{307}stanbul"), (.caseInsensitiveLike, "İSTANBUL"),
            (.caseInsensitiveLike, "istanbul"), (.caseInsensitiveLike, "%STRASSE%"), (.caseInsensitiveLike, "STRAẞE"),
            (.caseInsensitiveLike, "A*B?[C]"), (.caseInsensitiveLike, "%"), (.caseInsensitiveLike, "CAFÉ"),
            (.caseInsensitiveLike, "CAFE\u{301}"),
        ]
        let tag: [(String, ModelFilterClause.Operator, String)] = [
            ("team", .equal, "risk"), ("team", .notEqual, "risk"), ("team", .like, "r%"), ("team", .like, "R%"),
            ("team", .caseInsensitiveLike, "r%"), ("team", .caseInsensitiveLike, "ÉQUIPE"),
            ("team", .caseInsensitiveLike, "équipe"), ("team", .like, "_QUIPE"),
            ("mlflow.prompt.is_prompt", .notEqual, "true"), ("mlflow.prompt.is_prompt", .equal, "true"),
            ("note", .like, "50%"), ("note", .like, "50\\%%"), ("note", .like, "50%\\_off"), ("note", .like, "50__off"),
            ("glob", .like, "*?[]"), ("glob", .like, "*%"), ("glob", .like, "[*]%"), ("glob", .like, "\\"),
            ("city", .caseInsensitiveLike, "i\u{307}stanbul"), ("city", .like, "İ%"),
            ("word", .caseInsensitiveLike, "straße"),
            ("word", .caseInsensitiveLike, "strasse"), ("word", .caseInsensitiveLike, "cafe\u{301}"),
            ("lang", .like, "日_語"), ("lang", .like, "日_"), ("missing", .equal, "x"), ("missing", .notEqual, "x"),
            ("missing", .like, "%"), ("team", .like, "%"), ("team", .notEqual, ""),
        ]
        let lists: [ModelFilterClause] = [
            ModelFilterClause(field: .name, in: ["fraud-a", "Fraud-B", "nope"]),
            ModelFilterClause(field: .name, in: []),
            ModelFilterClause(field: .name, in: ["fraud-a"]),
            ModelFilterClause(field: .tag("team"), in: ["risk", "x"]),
            ModelFilterClause(field: .tag("missing"), in: ["x"]), ModelFilterClause(field: .tag("team"), in: ["RISK"]),
        ]
        return name.map { ModelFilterClause(field: .name, op: $0.0, value: $0.1) }
            + tag.map { ModelFilterClause(field: .tag($0.0), op: $0.1, value: $0.2) } + lists
    }()

    /// The names `ModelFilterClause.matches` selects from ``clauseModels``, in code-point order.
    static func expectedNames(_ clauses: [ModelFilterClause]) -> [String] {
        byCodePoint(clauseModels.filter { model in clauses.allSatisfy { $0.matches(model) } }.map(\.name))
    }

    static let modelClauseCases: [MetadataStoreConformanceCase] = [
        .init("each model filter clause selects exactly the models ModelFilterClause.matches selects") { store in
            try await store.write { tx in for model in clauseModels { try await tx.insertModel(model) } }
            for clause in clauseTable {
                let filter = ModelFilter(clauses: [clause])
                let found = try await store.read { try await $0.models(matching: filter, afterName: nil, limit: 100) }
                #expect(
                    names(found) == expectedNames([clause]),
                    "\(clause.field) \(clause.op.rawValue) '\(clause.value)'"
                )
            }
        },
        .init("model filter clauses combine with AND, with the other filters, and page by name") { store in
            try await store.write { tx in for model in clauseModels { try await tx.insertModel(model) } }
            let prompt = ModelFilterClause(field: .tag("mlflow.prompt.is_prompt"), op: .notEqual, value: "true")
            let combinations: [[ModelFilterClause]] = [
                [prompt],
                [prompt, ModelFilterClause(field: .name, op: .caseInsensitiveLike, value: "%d%")],
                [
                    ModelFilterClause(field: .tag("team"), op: .caseInsensitiveLike, value: "r%"),
                    ModelFilterClause(field: .name, op: .like, value: "fraud%"),
                ],
                [
                    ModelFilterClause(field: .name, op: .notEqual, value: "prompt-1"),
                    ModelFilterClause(field: .tag("team"), op: .notEqual, value: "risk"),
                ],
            ]
            for clauses in combinations {
                var paged: [String] = []
                var after: String?
                while true {
                    let filter = ModelFilter(clauses: clauses)
                    let page = try await store.read { [after] in
                        try await $0.models(matching: filter, afterName: after, limit: 2)
                    }
                    paged += names(page)
                    guard page.count == 2 else { break }
                    after = page.last?.name
                }
                #expect(paged == expectedNames(clauses), "\(clauses)")
            }
            let mixed = ModelFilter(nameContains: "_", tags: ["team": "risk"], clauses: [prompt])
            let found = try await store.read { try await $0.models(matching: mixed, afterName: nil, limit: 100) }
            #expect(names(found) == ["fraud_detector"])
        },
    ]
}

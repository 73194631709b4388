import CairnCore
import Testing

@testable import CairnHTTP
@testable import CairnMLflowAPI

/// One filter and the clauses it must parse to.
struct FilterCase: Sendable, CustomTestStringConvertible {
    var filter: String
    var clauses: [SearchClause]
    var testDescription: String { filter }
}

/// One filter and the start of the error message it must produce.
struct FilterFailure: Sendable, CustomTestStringConvertible {
    var filter: String
    var message: String
    var testDescription: String { filter }
}

private func clause(_ field: SearchClause.Field, _ op: SearchClause.Operator, _ value: SearchClause.Value)
    -> SearchClause
{
    SearchClause(field: field, op: op, value: value)
}

@Suite("MLflow filter grammar")
struct MLflowFilterParserTests {
    static let runFilters: [FilterCase] = [
        FilterCase(filter: "", clauses: []),
        FilterCase(filter: "   ", clauses: []),
        FilterCase(filter: "metrics.loss < 1", clauses: [clause(.metric("loss"), .less, .number(1))]),
        FilterCase(filter: "metric.loss<=0.5", clauses: [clause(.metric("loss"), .lessOrEqual, .number(0.5))]),
        FilterCase(filter: "metrics.acc > -1e-3", clauses: [clause(.metric("acc"), .greater, .number(-0.001))]),
        FilterCase(filter: "metrics.acc >= 2", clauses: [clause(.metric("acc"), .greaterOrEqual, .number(2))]),
        FilterCase(filter: "metrics.acc != 2", clauses: [clause(.metric("acc"), .notEqual, .number(2))]),
        FilterCase(
            filter: "attributes.status = 'FINISHED'",
            clauses: [clause(.attribute("status"), .equal, .string("FINISHED"))]
        ),
        FilterCase(
            filter: "attribute.run_name = \"a\"",
            clauses: [clause(.attribute("run_name"), .equal, .string("a"))]
        ),
        FilterCase(filter: "status = 'RUNNING'", clauses: [clause(.attribute("status"), .equal, .string("RUNNING"))]),
        FilterCase(filter: "params.lr = '0.1'", clauses: [clause(.param("lr"), .equal, .string("0.1"))]),
        FilterCase(filter: "param.lr LIKE '0.%'", clauses: [clause(.param("lr"), .like, .string("0.%"))]),
        FilterCase(
            filter: "tags.team ilike 'RISK'",
            clauses: [clause(.tag("team"), .caseInsensitiveLike, .string("RISK"))]
        ),
        FilterCase(filter: "tags.`a b` = 'x'", clauses: [clause(.tag("a b"), .equal, .string("x"))]),
        FilterCase(filter: "tags.\"a.b\" = 'x'", clauses: [clause(.tag("a.b"), .equal, .string("x"))]),
        FilterCase(filter: "tags.x = 'it''s'", clauses: [clause(.tag("x"), .equal, .string("it's"))]),
        FilterCase(filter: "tags.x = \"say \"\"hi\"\"\"", clauses: [clause(.tag("x"), .equal, .string("say \"hi\""))]),
        FilterCase(
            filter: "run_id IN ('a', 'b')",
            clauses: [clause(.attribute("run_id"), .isIn, .list(["a", "b"]))]
        ),
        FilterCase(
            filter: "attributes.run_id not in ('a')",
            clauses: [clause(.attribute("run_id"), .notIn, .list(["a"]))]
        ),
        FilterCase(filter: "datasets.name = 'train'", clauses: [clause(.dataset("name"), .equal, .string("train"))]),
        FilterCase(
            filter: "attributes.start_time > 5",
            clauses: [clause(.attribute("start_time"), .greater, .number(5))]
        ),
        FilterCase(
            filter: "metrics.loss < 1 and params.lr = '0.1' AND tags.t != 'x'",
            clauses: [
                clause(.metric("loss"), .less, .number(1)), clause(.param("lr"), .equal, .string("0.1")),
                clause(.tag("t"), .notEqual, .string("x")),
            ]
        ),
    ]

    @Test("run filters parse into clauses", arguments: runFilters)
    func runFilter(_ test: FilterCase) throws {
        #expect(try MLflowFilterParser.parse(test.filter, schema: .runs) == test.clauses)
    }

    static let runFailures: [FilterFailure] = [
        FilterFailure(
            filter: "metrics.loss <<< 1",
            message: "Invalid comparator '<<<' not one of '{'!=', '<', '<=', '='"
        ),
        FilterFailure(filter: "metrics.loss LIKE 1", message: "Invalid comparator 'LIKE'"),
        FilterFailure(filter: "metrics.loss < 'a'", message: "Expected a numeric value"),
        FilterFailure(filter: "params.lr = 1", message: "Expected a quoted string value"),
        FilterFailure(filter: "bogus = 'x'", message: "Invalid attribute key 'bogus' specified. Valid keys are"),
        FilterFailure(filter: "foo.bar = 'x'", message: "Invalid entity type 'foo'"),
        FilterFailure(filter: "tags.x = 'open", message: "Invalid filter"),
        FilterFailure(filter: "tags.x = 'a' AND", message: "Invalid filter"),
        FilterFailure(filter: "tags.x = 'a' OR tags.y = 'b'", message: "Invalid filter"),
        FilterFailure(filter: "tags.x", message: "Invalid filter"),
        FilterFailure(filter: "run_id IN 'a'", message: "Invalid filter"),
        FilterFailure(filter: "datasets.bogus = 'a'", message: "Invalid dataset key 'bogus'"),
        FilterFailure(filter: "= 'a'", message: "Invalid filter"),
    ]

    @Test("bad run filters are refused with MLflow's messages", arguments: runFailures)
    func runFailure(_ test: FilterFailure) throws {
        let error = try #require(throws: RegistryError.self) {
            try MLflowFilterParser.parse(test.filter, schema: .runs)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message.hasPrefix(test.message), "\(error.message)")
    }

    static let modelFilters: [(String, [ModelFilterClause])] = [
        (
            "tag.`mlflow.prompt.is_prompt` != 'true'",
            [.init(field: .tag("mlflow.prompt.is_prompt"), op: .notEqual, value: "true")]
        ),
        (
            "name LIKE 'cairn-%' AND tag.`mlflow.prompt.is_prompt` != 'true'",
            [
                .init(field: .name, op: .like, value: "cairn-%"),
                .init(field: .tag("mlflow.prompt.is_prompt"), op: .notEqual, value: "true"),
            ]
        ),
        ("name='fraud-detector'", [.init(field: .name, op: .equal, value: "fraud-detector")]),
        ("tags.team = 'risk'", [.init(field: .tag("team"), op: .equal, value: "risk")]),
        ("name ILIKE '%Fraud%'", [.init(field: .name, op: .caseInsensitiveLike, value: "%Fraud%")]),
    ]

    @Test("registered-model filters parse into model clauses", arguments: modelFilters)
    func modelFilter(_ filter: String, _ clauses: [ModelFilterClause]) throws {
        #expect(try MLflowSearchSchema.modelFilter(filter).clauses == clauses)
    }

    @Test("registered-model filters refuse other keys and comparators")
    func modelFilterFailures() throws {
        let bogus = try #require(throws: RegistryError.self) {
            try MLflowSearchSchema.modelFilter("bogus ~~ 'x' AND tag.`mlflow.prompt.is_prompt` != 'true'")
        }
        #expect(bogus.message == "Invalid attribute key 'bogus' specified. Valid keys are '{'name'}'")
        #expect(
            try MLflowSearchSchema.modelFilter("name IN ('a', 'b')").clauses
                == [ModelFilterClause(field: .name, in: ["a", "b"])]
        )
        let ops = try #require(throws: RegistryError.self) { try MLflowSearchSchema.modelFilter("tags.t IN ('a')") }
        #expect(ops.message.hasPrefix("Invalid comparator 'IN'"), "\(ops.message)")
        let many = "name IN (" + (0...1000).map { "'m\($0)'" }.joined(separator: ", ") + ")"
        let tooMany = try #require(throws: RegistryError.self) { try MLflowSearchSchema.modelFilter(many).validate() }
        #expect(tooMany.message.contains("the limit is 1000"))
        #expect(throws: RegistryError.self) { try MLflowSearchSchema.modelFilter("metrics.x > 1") }
    }

    @Test("model-version filters know version keys")
    func versionFilters() throws {
        let parsed = try MLflowFilterParser.parse(
            "name='m' AND run_id='abc' AND version_number > 2 AND source_path = 'x'",
            schema: .modelVersions
        )
        #expect(
            parsed == [
                clause(.attribute("name"), .equal, .string("m")), clause(.attribute("run_id"), .equal, .string("abc")),
                clause(.attribute("version_number"), .greater, .number(2)),
                clause(.attribute("source_path"), .equal, .string("x")),
            ]
        )
        let error = try #require(throws: RegistryError.self) {
            try MLflowFilterParser.parse("nope = 'x' AND", schema: .modelVersions)
        }
        #expect(error.message.hasPrefix("Invalid attribute key 'nope' specified. Valid keys are '{"))
    }

    static let orders: [(String, SearchOrder)] = [
        ("name", SearchOrder(field: .attribute("name"), ascending: true)),
        ("name ASC", SearchOrder(field: .attribute("name"), ascending: true)),
        ("name desc", SearchOrder(field: .attribute("name"), ascending: false)),
        ("last_updated_timestamp DESC", SearchOrder(field: .attribute("last_updated_timestamp"), ascending: false)),
    ]

    @Test("order_by entries parse", arguments: orders)
    func order(_ text: String, _ expected: SearchOrder) throws {
        #expect(try MLflowFilterParser.parseOrder([text], schema: .registeredModels) == [expected])
    }

    @Test("run order_by accepts metrics, params and tags; refuses junk")
    func runOrders() throws {
        #expect(
            try MLflowFilterParser.parseOrder(["metrics.loss ASC", "params.lr DESC", "tags.`a b`"], schema: .runs) == [
                SearchOrder(field: .metric("loss")), SearchOrder(field: .param("lr"), ascending: false),
                SearchOrder(field: .tag("a b")),
            ]
        )
        #expect(throws: RegistryError.self) { try MLflowFilterParser.parseOrder(["name sideways"], schema: .runs) }
        #expect(throws: RegistryError.self) { try MLflowFilterParser.parseOrder(["bogus"], schema: .registeredModels) }
        #expect(throws: RegistryError.self) {
            try MLflowFilterParser.parseOrder(["name ASC x"], schema: .registeredModels)
        }
    }
}

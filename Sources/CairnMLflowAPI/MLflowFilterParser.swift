import CairnCore

/// Parses MLflow's search filter and `order_by` syntax into the core's ``SearchClause`` and ``SearchOrder``.
///
/// A filter is `clause [AND clause]…` (`AND` in any case). A clause is `key comparator value`:
/// * keys: `name`, `run_id`…; `tags.x` / `tag.x`, `params.x` / `param.x`, `metrics.x` / `metric.x`,
///   `attributes.x` / `attribute.x` / `attr.x`, `datasets.x` / `dataset.x`; the part after the dot may be quoted with
///   backticks or double quotes (`` tag.`mlflow.prompt.is_prompt` ``, `tags."a b"`);
/// * comparators: `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE`, `ILIKE`, `IN (…)`, `NOT IN (…)`;
/// * values: `'single'` or `"double"` quoted strings (a doubled quote escapes itself) or numbers.
///
/// Each key is checked against the entity's ``MLflowSearchSchema`` as soon as it is read, then the comparator, so
/// the first broken clause names itself with MLflow's messages ("Invalid attribute key 'bogus' specified…",
/// "Invalid comparator '<<<' not one of …"). Every error is `.invalidArgument` (400 INVALID_PARAMETER_VALUE).
struct MLflowFilterParser {
    private let chars: [Character]
    private var position = 0
    private let schema: MLflowSearchSchema

    private init(_ text: String, schema: MLflowSearchSchema) {
        self.chars = Array(text)
        self.schema = schema
    }

    /// Parses a whole filter; an empty or blank filter is no clause.
    static func parse(_ filter: String?, schema: MLflowSearchSchema) throws -> [SearchClause] {
        guard let filter, !filter.allSatisfy(\.isWhitespace) else { return [] }
        var parser = MLflowFilterParser(filter, schema: schema)
        return try parser.clauses()
    }

    /// Parses `order_by` entries: `key [ASC|DESC]` each.
    static func parseOrder(_ entries: [String], schema: MLflowSearchSchema) throws -> [SearchOrder] {
        try entries.filter { !$0.allSatisfy(\.isWhitespace) }.map { entry in
            var parser = MLflowFilterParser(entry, schema: schema)
            return try parser.orderEntry(entry)
        }
    }

    // MARK: Grammar

    private mutating func clauses() throws -> [SearchClause] {
        var result: [SearchClause] = []
        while true {
            result.append(try clause())
            skipSpaces()
            if atEnd { return result }
            let word = readWord()
            guard word.uppercased() == "AND" else {
                throw invalid("Invalid filter '\(String(chars))': expected AND between clauses, found '\(word)'.")
            }
            skipSpaces()
            if atEnd { throw invalid("Invalid filter '\(String(chars))': AND must be followed by a clause.") }
        }
    }

    private mutating func clause() throws -> SearchClause {
        skipSpaces()
        let field = try schema.field(for: try key())
        skipSpaces()
        let op = try schema.check(comparator: try comparator(), for: field)
        skipSpaces()
        let value = try self.value(for: op)
        return try schema.check(SearchClause(field: field, op: op, value: value))
    }

    private mutating func orderEntry(_ entry: String) throws -> SearchOrder {
        skipSpaces()
        let field = try schema.orderField(for: try key())
        skipSpaces()
        var ascending = true
        if !atEnd {
            switch readWord().uppercased() {
            case "ASC": ascending = true
            case "DESC": ascending = false
            default: throw invalid("Invalid order_by clause '\(entry)': use 'key ASC' or 'key DESC'.")
            }
        }
        skipSpaces()
        guard atEnd else { throw invalid("Invalid order_by clause '\(entry)': use 'key ASC' or 'key DESC'.") }
        return SearchOrder(field: field, ascending: ascending)
    }

    /// A key as written: `(prefix, name)`; `prefix` is `nil` for a bare key such as `name`.
    private mutating func key() throws -> (prefix: String?, name: String) {
        if let quote = peek, quote == "`" || quote == "\"" {
            return (nil, try quoted(quote))
        }
        var head = ""
        while let c = peek, Self.isKeyCharacter(c) {
            if c == "." {
                position += 1
                if let quote = peek, quote == "`" || quote == "\"" { return (head, try quoted(quote)) }
                var rest = ""
                while let c = peek, Self.isKeyCharacter(c) {
                    rest.append(c)
                    position += 1
                }
                guard !rest.isEmpty else { throw invalid("Invalid filter key '\(head).': the name is missing.") }
                return (head, rest)
            }
            head.append(c)
            position += 1
        }
        guard !head.isEmpty else {
            throw invalid("Invalid filter '\(String(chars))': expected a key at position \(position + 1).")
        }
        return (nil, head)
    }

    private mutating func comparator() throws -> String {
        var text = ""
        while let c = peek, "<>=!~".contains(c) {
            text.append(c)
            position += 1
        }
        if !text.isEmpty { return text }
        let word = readWord().uppercased()
        if word == "IS" {
            skipSpaces()
            var next = readWord().uppercased()
            if next == "NOT" {
                skipSpaces()
                next = "NOT " + readWord().uppercased()
            }
            return "IS \(next)"
        }
        if word == "NOT" {
            skipSpaces()
            let next = readWord().uppercased()
            return next.isEmpty ? word : "\(word) \(next)"
        }
        guard !word.isEmpty else {
            throw invalid("Invalid filter '\(String(chars))': expected a comparator at position \(position + 1).")
        }
        return word
    }

    private mutating func value(for op: SearchClause.Operator) throws -> SearchClause.Value {
        if op == .isNull || op == .isNotNull { return .string("") }
        if op == .isIn || op == .notIn {
            guard peek == "(" else { throw invalid("Invalid filter: \(op.rawValue) needs a list such as ('a', 'b').") }
            position += 1
            var items: [String] = []
            while true {
                skipSpaces()
                guard let quote = peek, quote == "'" || quote == "\"" else {
                    throw invalid("Invalid filter: the values of \(op.rawValue) (…) must be quoted strings.")
                }
                items.append(try quoted(quote))
                skipSpaces()
                if peek == "," {
                    position += 1
                } else if peek == ")" {
                    position += 1
                    return .list(items)
                } else {
                    throw invalid("Invalid filter: expected ',' or ')' in the \(op.rawValue) list.")
                }
            }
        }
        if let quote = peek, quote == "'" || quote == "\"" { return .string(try quoted(quote)) }
        var text = ""
        while let c = peek, c.isNumber || "+-.eE".contains(c) {
            text.append(c)
            position += 1
        }
        guard let number = Double(text), number.isFinite else {
            throw invalid(
                "Invalid filter '\(String(chars))': expected a quoted string or a number at position \(position + 1)."
            )
        }
        return .number(number)
    }

    // MARK: Scanning

    private var atEnd: Bool { position >= chars.count }
    private var peek: Character? { atEnd ? nil : chars[position] }

    private mutating func skipSpaces() {
        while let c = peek, c.isWhitespace { position += 1 }
    }

    private mutating func readWord() -> String {
        var word = ""
        while let c = peek, c.isLetter || c.isNumber || c == "_" {
            word.append(c)
            position += 1
        }
        return word
    }

    /// A quoted run; the quote character doubled inside stands for itself.
    private mutating func quoted(_ quote: Character) throws -> String {
        position += 1
        var text = ""
        while let c = peek {
            position += 1
            if c == quote {
                if peek == quote {
                    text.append(quote)
                    position += 1
                } else {
                    return text
                }
            } else {
                text.append(c)
            }
        }
        throw invalid("Invalid filter '\(String(chars))': unterminated quoted text.")
    }

    private static func isKeyCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "." || c == "-"
    }

    private func invalid(_ message: String) -> RegistryError {
        RegistryError(.invalidArgument, message)
    }
}

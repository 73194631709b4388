import Foundation

/// A metric gate: two sums of terms compared, such as `accuracy >= 0.9` or `auc >= production.auc - 0.005`.
///
/// Grammar: `side OP side`, OP one of `>= > <= < == !=`; a side is terms joined by `+` or `-`; a term is a number,
/// a metric of the candidate version (`auc`, `val/f1`, or any name in backticks), or a metric of the current
/// Production version (`production.auc`).
public struct MetricExpression: Hashable, Sendable {
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case equal = "=="
        case notEqual = "!="
        case greater = ">"
        case less = "<"

        func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .greaterOrEqual: left >= right
            case .lessOrEqual: left <= right
            case .equal: left == right
            case .notEqual: left != right
            case .greater: left > right
            case .less: left < right
            }
        }
    }

    /// One operand of a sum.
    public enum Term: Hashable, Sendable {
        case number(Double)
        /// A metric of the version being moved.
        case metric(String)
        /// A metric of the version currently in Production.
        case productionMetric(String)

        var text: String {
            switch self {
            case .number(let value): Self.format(value)
            case .metric(let name): Self.quoted(name)
            case .productionMetric(let name): "production." + Self.quoted(name)
            }
        }

        static func format(_ value: Double) -> String {
            value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }

        static func quoted(_ name: String) -> String {
            name.allSatisfy(MetricExpression.isNameCharacter) && !name.hasPrefix("production.") ? name : "`\(name)`"
        }
    }

    public var left: [(sign: Double, term: Term)]
    public var comparison: Comparison
    public var right: [(sign: Double, term: Term)]

    /// The expression in its normal written form.
    public var text: String {
        func side(_ terms: [(sign: Double, term: Term)]) -> String {
            terms.enumerated().map { index, part in
                let sign = part.sign < 0 ? (index == 0 ? "-" : " - ") : (index == 0 ? "" : " + ")
                return sign + part.term.text
            }.joined()
        }
        return "\(side(left)) \(comparison.rawValue) \(side(right))"
    }

    /// Whether the expression compares against the Production version.
    public var readsProduction: Bool {
        (left + right).contains { if case .productionMetric = $0.term { true } else { false } }
    }

    public static func == (a: MetricExpression, b: MetricExpression) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Parses an expression.
    /// - Throws: `.invalidArgument` saying where and what was expected.
    public init(parsing source: String) throws(RegistryError) {
        var parser = Parser(source: source)
        let left = try parser.sum()
        let comparison = try parser.comparison()
        let right = try parser.sum()
        try parser.end()
        self.left = left
        self.comparison = comparison
        self.right = right
        // Stored and shown in its normal form, which must read back within the same limit.
        guard text.utf8.count <= Self.maxTextBytes else {
            throw .invalid(
                "Metric gate '\(source.prefix(80))…' is \(text.utf8.count) bytes in normal form; the limit is "
                    + "\(Self.maxTextBytes)."
            )
        }
    }

    /// Longest expression, in its normal form.
    public static let maxTextBytes = 1024

    /// The outcome of evaluating the expression.
    public struct Outcome: Sendable {
        public var passed: Bool
        /// Every value read: `auc` → `0.93`, `production.auc` → `0.91`.
        public var observed: [String: String]
        /// Why it failed or could not be evaluated; empty when it passed.
        public var message: String
    }

    /// Evaluates against the candidate's metrics and (when the expression reads them) Production's.
    ///
    /// A missing candidate metric fails. When no version is in Production, comparisons with it cannot be made and
    /// the gate passes with a note (the first version to reach Production has nothing to beat); a Production version
    /// without the metric fails, since the comparison the policy asks for cannot be made.
    public func evaluate(candidate: [String: Double], production: (number: Int, metrics: [String: Double])?) -> Outcome
    {
        var observed: [String: String] = [:]
        var problems: [String] = []
        func value(_ term: Term) -> Double? {
            switch term {
            case .number(let number): return number
            case .metric(let name):
                guard let found = candidate[name] else {
                    problems.append("the version has no metric '\(name)'")
                    return nil
                }
                observed[name] = Term.format(found)
                return found
            case .productionMetric(let name):
                guard let production else { return nil }
                guard let found = production.metrics[name] else {
                    problems.append("Production version \(production.number) has no metric '\(name)'")
                    return nil
                }
                observed["production.\(name)"] = Term.format(found)
                return found
            }
        }
        func sum(_ terms: [(sign: Double, term: Term)]) -> Double? {
            var total = 0.0
            var complete = true
            for part in terms {
                if let found = value(part.term) { total += part.sign * found } else { complete = false }
            }
            return complete ? total : nil
        }
        let (l, r) = (sum(left), sum(right))
        if readsProduction, production == nil, problems.isEmpty {
            observed["production"] = "none"
            return Outcome(passed: true, observed: observed, message: "no version is in Production; nothing to compare")
        }
        if let production, readsProduction { observed["production.version"] = String(production.number) }
        guard let l, let r, problems.isEmpty else {
            return Outcome(passed: false, observed: observed, message: problems.joined(separator: "; "))
        }
        let passed = comparison.holds(l, r)
        let message =
            passed ? "" : "\(Term.format(l)) \(comparison.rawValue) \(Term.format(r)) does not hold"
        return Outcome(passed: passed, observed: observed, message: message)
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" || c == ":"
    }

    private struct Parser {
        let source: String
        let characters: [Character]
        var index = 0

        init(source: String) {
            self.source = source
            self.characters = Array(source)
        }

        mutating func skipSpace() { while index < characters.count, characters[index].isWhitespace { index += 1 } }

        func fail(_ expected: String) -> RegistryError {
            let found = index < characters.count ? "'\(characters[index])'" : "the end"
            return .invalid(
                "Metric gate '\(source.prefix(200))': expected \(expected) at character \(index + 1), found \(found). "
                    + "Write e.g. 'accuracy >= 0.9' or 'auc >= production.auc - 0.005'."
            )
        }

        mutating func sum() throws(RegistryError) -> [(sign: Double, term: Term)] {
            var terms: [(sign: Double, term: Term)] = []
            var sign = 1.0
            skipSpace()
            if index < characters.count, characters[index] == "-", !(next(1)?.isNumber ?? false) {
                sign = -1
                index += 1
            }
            while true {
                terms.append((sign, try term()))
                skipSpace()
                guard index < characters.count, characters[index] == "+" || characters[index] == "-" else {
                    return terms
                }
                sign = characters[index] == "+" ? 1 : -1
                index += 1
            }
        }

        func next(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        mutating func term() throws(RegistryError) -> Term {
            skipSpace()
            guard index < characters.count else { throw fail("a number or a metric name") }
            let c = characters[index]
            if c.isNumber || c == "-" || (c == "." && (next(1)?.isNumber ?? false)) {
                let start = index
                index += 1
                while index < characters.count,
                    characters[index].isNumber || characters[index] == "." || characters[index] == "e"
                        || characters[index] == "E"
                        || ((characters[index] == "-" || characters[index] == "+")
                            && (characters[index - 1] == "e" || characters[index - 1] == "E"))
                {
                    index += 1
                }
                guard let number = Double(String(characters[start..<index])), number.isFinite else {
                    index = start
                    throw fail("a number")
                }
                return .number(number)
            }
            var production = false
            if characters[index...].starts(with: "production.") {
                production = true
                index += "production.".count
            }
            let name = try metricName()
            return production ? .productionMetric(name) : .metric(name)
        }

        mutating func metricName() throws(RegistryError) -> String {
            guard index < characters.count else { throw fail("a metric name") }
            if characters[index] == "`" {
                let start = index + 1
                guard let close = characters[start...].firstIndex(of: "`"), close > start else {
                    throw fail("a closing backtick")
                }
                index = close + 1
                return String(characters[start..<close])
            }
            let start = index
            while index < characters.count, MetricExpression.isNameCharacter(characters[index]) { index += 1 }
            guard index > start, characters[start].isLetter || characters[start] == "_" else {
                index = start
                throw fail("a number or a metric name")
            }
            return String(characters[start..<index])
        }

        mutating func comparison() throws(RegistryError) -> Comparison {
            skipSpace()
            for candidate in Comparison.allCases where characters[index...].starts(with: candidate.rawValue) {
                index += candidate.rawValue.count
                return candidate
            }
            throw fail("a comparison (>=, >, <=, <, ==, !=)")
        }

        mutating func end() throws(RegistryError) {
            skipSpace()
            guard index == characters.count else { throw fail("the end of the expression") }
        }
    }
}

import ArgumentParser

/// A `key=value` command-line argument (`--tag team=nlp`). The value may contain `=`; the key may not be empty.
struct KeyValue: ExpressibleByArgument, Sendable, Hashable {
    var key: String
    var value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        key = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension Array where Element == KeyValue {
    /// The pairs as a dictionary.
    /// - Throws: `ValidationError` when a key repeats (`--tag a=1 --tag a=2` is almost certainly a mistake).
    func dictionary(option: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in self {
            guard result.updateValue(pair.value, forKey: pair.key) == nil else {
                throw ValidationError("\(option) '\(pair.key)' is given twice; give each key once.")
            }
        }
        return result
    }
}

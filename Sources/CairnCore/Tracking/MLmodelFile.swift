/// Reads the signature out of an MLflow `MLmodel` file (YAML) without a YAML library: the `signature:` block holds
/// `inputs:` and `outputs:` as one-line JSON strings, single-quoted as MLflow writes them.
enum MLmodelFile {
    /// The input and output schema JSON, or `nil` when the file has no signature.
    static func signature(in text: String) -> ModelSignature? {
        var inSignature = false
        var inputs: String?
        var outputs: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("signature:") {
                inSignature = true
                continue
            }
            guard inSignature else { continue }
            if let first = line.first, first != " " { break }  // the block ended
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("inputs:") {
                inputs = scalar(trimmed.dropFirst("inputs:".count))
            } else if trimmed.hasPrefix("outputs:") {
                outputs = scalar(trimmed.dropFirst("outputs:".count))
            }
        }
        guard inputs != nil || outputs != nil else { return nil }
        return ModelSignature(inputs: inputs, outputs: outputs)
    }

    /// A YAML scalar on one line: `'…'` (with `''` escapes), `"…"`, or plain.
    static func scalar(_ raw: Substring) -> String? {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty, text != "null" else { return nil }
        if text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 {
            return String(text.dropFirst().dropLast()).replacingAll("''", with: "'")
        }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
            return String(text.dropFirst().dropLast())
        }
        return String(text)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Renders rows as aligned text columns, two spaces apart, with an upper-case header row.
struct TableRenderer {
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    init(_ headers: [String], alignments: [Alignment] = []) {
        self.headers = headers
        self.alignments = alignments + Array(repeating: .left, count: max(0, headers.count - alignments.count))
    }

    mutating func append(_ row: [String]) {
        rows.append(row.map(Self.singleLine))
    }

    /// The table, one line per row, without trailing spaces.
    func render() -> String {
        let all = [headers] + rows
        let columns = headers.count
        var widths = Array(repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.prefix(columns).enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            var line = ""
            for index in 0..<columns {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == columns - 1
                switch alignments[index] {
                case .left: line += cell + (isLast ? "" : padding)
                case .right: line += padding + cell
                }
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        .joined(separator: "\n")
    }

    /// `Label:  value` lines with the values aligned.
    static func fields(_ pairs: [(String, String)]) -> String {
        let width = pairs.map { $0.0.count }.max() ?? 0
        return pairs.map { label, value in
            let line = label + ":" + String(repeating: " ", count: width - label.count + 2) + singleLine(value)
            return line.hasSuffix(" ") ? String(line.reversed().drop { $0 == " " }.reversed()) : line
        }
        .joined(separator: "\n")
    }

    /// Cuts `text` to `limit` characters with an ellipsis.
    static func truncate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// Newlines and tabs would break the columns; show them as spaces.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

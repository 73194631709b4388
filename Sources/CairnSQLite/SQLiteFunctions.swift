import SQLiteNIO

/// SQL functions that Cairn installs on every connection, so that queries behave exactly like the core's Swift
/// reference semantics where SQLite's built-ins differ.
enum SQLiteFunctions {
    /// `cairn_lower(text)`: Swift's `String.lowercased()` (full Unicode case mapping; SQLite's `lower()` folds ASCII
    /// only). NULL and non-text arguments give NULL.
    static let lowerName = "cairn_lower"

    /// Installs every function on `connection`.
    static func install(on connection: SQLiteConnection) async throws {
        let lower = SQLiteCustomFunction(lowerName, argumentCount: 1, pure: true) { arguments in
            guard case .text(let text) = arguments.first else { return nil }
            return text.lowercased()
        }
        try await connection.install(customFunction: lower)
    }
}

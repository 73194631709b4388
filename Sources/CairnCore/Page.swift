import Foundation

/// One page of a listing and the cursor for the next.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass to the next call to continue; `nil` on the last page.
    public var nextPageToken: String?

    public init(items: [Item], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

/// Keyset cursors: a token names the last key returned, so pages stay correct while rows are added or removed
/// (no row is skipped or repeated, unlike offsets). Tokens are opaque base64url text to callers.
public enum PageToken {
    public static let defaultLimit = 100
    public static let maxLimit = 1000
    /// The largest page of an in-memory search (MLflow's clients ask for 10,000 model versions at once).
    public static let maxSearchLimit = 100_000

    static func encode(_ key: String) -> String {
        Data(("k:" + key).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) throws(RegistryError) -> String {
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard token.utf8.count <= 2048, let data = Data(base64Encoded: text),
            let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("k:")
        else {
            throw .invalid("The page token is not valid. Pass back the next_page_token of the previous page unchanged.")
        }
        return String(decoded.dropFirst(2))
    }

    static func limit(_ requested: Int?, max: Int = maxLimit) throws(RegistryError) -> Int {
        guard let requested else { return defaultLimit }
        guard requested >= 1, requested <= max else {
            throw .invalid("Page size \(requested) is out of range; use 1 to \(max).")
        }
        return requested
    }
}

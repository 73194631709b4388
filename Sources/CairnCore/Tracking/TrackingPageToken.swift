/// Offset cursors for tracking searches, which sort by arbitrary keys (metrics, params) where a keyset cursor does not
/// fit. The token is opaque base64url text, like ``PageToken``'s; a page may shift when rows change between calls, as
/// in MLflow.
enum TrackingPageToken {
    static func encode(offset: Int) -> String { PageToken.encode("offset:\(offset)") }

    static func decode(_ token: String?) throws(RegistryError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        let key = try PageToken.decode(token)
        guard key.hasPrefix("offset:"), let offset = Int(key.dropFirst(7)), offset >= 0 else {
            throw .invalid("The page token is not valid. Pass back the next_page_token of the previous page unchanged.")
        }
        return offset
    }

    /// The page of `items` starting at the token's offset, with a token for the next page when more remain.
    static func page<T: Sendable>(_ items: [T], pageToken: String?, limit: Int) throws(RegistryError) -> Page<T> {
        try TrackingRules.validateSearchLimit(limit)
        let offset = try decode(pageToken)
        let start = min(offset, items.count)
        let end = min(start + limit, items.count)
        return Page(items: Array(items[start..<end]), nextPageToken: end < items.count ? encode(offset: end) : nil)
    }
}

import Foundation

/// The keyset cursor of a sorted search: the sort key of the last item a page returned. The next page starts at the
/// first item that sorts after it, so pages neither repeat nor skip items while others are added or removed between
/// calls (an offset would shift under them). The key holds the values of every order key and the entity's tie-breaker
/// (a unique id), so it names one position in the total order.
struct SearchCursor: Hashable, Sendable {
    /// The value of each order key (`nil`: missing), in order.
    var values: [SearchValue?]
    /// The entity's ``TrackingSearchable/tieBreaker``, as text.
    var tie: String

    init<T: TrackingSearchable>(_ item: T, order: [SearchOrder]) {
        values = order.map { item.value(of: $0.field) }
        tie = String(decoding: item.tieBreaker, as: UTF8.self)
    }

    init(values: [SearchValue?], tie: String) {
        self.values = values
        self.tie = tie
    }

    /// Whether `self` sorts strictly before `other` under `order` (the two have one value per order key).
    func precedes(_ other: SearchCursor, order: [SearchOrder]) -> Bool {
        for (index, key) in order.enumerated() {
            switch TrackingSearch.compareForSort(values[index], other.values[index], ascending: key.ascending) {
            case .some(let first): return first
            case nil: continue
            }
        }
        return tie.utf8.lexicographicallyPrecedes(other.tie.utf8)
    }

    // MARK: Tokens

    private struct Wire: Codable {
        /// One entry per order key: `["s", text]`, `["n", number]` (`"NaN"`, `"Infinity"`, `"-Infinity"` as text)
        /// or `[]` for a missing value.
        var v: [[String]]
        var t: String
    }

    var token: String {
        let wire = Wire(
            v: values.map { value in
                switch value {
                case nil: []
                case .string(let text): ["s", text]
                case .number(let number): ["n", "\(number)"]
                }
            },
            t: tie
        )
        // Encoding strings and string arrays cannot fail.
        let data = (try? JSONEncoder().encode(wire)) ?? Data()
        return PageToken.encode("cursor:" + String(decoding: data, as: UTF8.self))
    }

    /// Reads a token made by ``token`` for a search ordered by `keys` order keys.
    /// - Throws: `.invalidArgument` when it is not such a token (made by another search, or edited).
    init(token: String, keys: Int) throws(RegistryError) {
        let invalid = RegistryError.invalid(
            "The page token is not valid for this search. Pass back the next_page_token of the previous page "
                + "unchanged, with the same filter and order."
        )
        let text = try PageToken.decode(token)
        guard text.hasPrefix("cursor:"),
            let wire = try? JSONDecoder().decode(Wire.self, from: Data(text.dropFirst(7).utf8)),
            wire.v.count == keys
        else { throw invalid }
        var values: [SearchValue?] = []
        for entry in wire.v {
            switch entry.count {
            case 0: values.append(nil)
            case 2 where entry[0] == "s": values.append(.string(entry[1]))
            case 2 where entry[0] == "n":
                guard let number = Double(entry[1]) else { throw invalid }
                values.append(.number(number))
            default: throw invalid
            }
        }
        self.init(values: values, tie: wire.t)
    }
}

extension TrackingSearch {
    /// The cursor in `pageToken` (`nil` for the first page), read before any search runs so that a bad token costs
    /// nothing.
    /// - Throws: `.invalidArgument` for a token that is not a cursor of this order.
    static func cursor(_ pageToken: String?, orderedBy order: [SearchOrder]) throws(RegistryError) -> SearchCursor? {
        guard let pageToken, !pageToken.isEmpty else { return nil }
        return try SearchCursor(token: pageToken, keys: order.count)
    }

    /// The page of `sorted` (sorted by `order`, then the tie-breaker) that follows `pageToken`'s position, at most
    /// `limit` items, with a cursor for the next page when more remain.
    /// - Throws: `.invalidArgument` for a token that is not a cursor of this order.
    static func page<T: TrackingSearchable & Sendable>(
        _ sorted: [T],
        orderedBy order: [SearchOrder],
        after cursor: SearchCursor?,
        limit: Int
    ) -> Page<T> {
        var start = 0
        if let after = cursor {
            // The first item that sorts after the cursor: binary search, as `sorted` is in this order.
            var (low, high) = (0, sorted.count)
            while low < high {
                let middle = (low + high) / 2
                if after.precedes(SearchCursor(sorted[middle], order: order), order: order) {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            start = low
        }
        let end = min(start + limit, sorted.count)
        let items = Array(sorted[start..<end])
        let next = end < sorted.count ? items.last.map { SearchCursor($0, order: order).token } : nil
        return Page(items: items, nextPageToken: next)
    }
}

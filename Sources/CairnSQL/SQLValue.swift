import CairnCore
import Foundation

/// A value bound to, or read from, a SQL statement: the types every backend stores natively.
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    /// `.text(value)`, or `.null` for `nil`.
    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }

    /// An integer column value.
    static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }

    /// A timestamp as integer milliseconds since 1970, the stored form of every date.
    static func millis(_ date: Date) -> SQLValue { .integer(SQLTime.millis(date)) }
}

/// The one conversion between `Date` and stored timestamps (integer milliseconds since 1970, UTC).
public enum SQLTime {
    /// Milliseconds since 1970, rounded to the nearest millisecond (as ``EventChain`` hashes them). A date beyond
    /// what 64 bits of milliseconds hold (only a query bound can be one) is clamped, never a trap.
    public static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return value > 0 ? .max : .min }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }

    /// The date of a stored millisecond timestamp.
    public static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

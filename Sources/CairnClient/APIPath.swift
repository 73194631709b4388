/// Builds request targets of the native API: every path segment and query value percent-encoded, so model names with
/// spaces, unicode, `#` or `?` and manifest paths with any legal character address exactly what they name.
struct APIPath: Sendable {
    private(set) var segments: [String]
    private(set) var query: [(String, String)] = []

    /// `/api/v1` followed by `segments`, each encoded on its own.
    init(_ segments: String...) {
        self.segments = ["api", "v1"] + segments
    }

    private init(raw segments: [String]) {
        self.segments = segments
    }

    /// A path outside `/api/v1` (such as `/healthz`).
    static func root(_ segments: String...) -> APIPath { APIPath(raw: segments) }

    /// Appends segments, each encoded on its own.
    func appending(_ more: String...) -> APIPath {
        var copy = self
        copy.segments += more
        return copy
    }

    /// Appends a manifest path: its `/` stay separators, each segment is encoded.
    func appending(manifestPath: String) -> APIPath {
        var copy = self
        copy.segments += manifestPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return copy
    }

    /// Adds a query item when `value` is non-nil.
    func query(_ name: String, _ value: String?) -> APIPath {
        guard let value else { return self }
        var copy = self
        copy.query.append((name, value))
        return copy
    }

    /// The encoded path and query, starting with `/`.
    var target: String {
        var text = ""
        for segment in segments { text += "/" + Self.percentEncode(segment) }
        if !query.isEmpty {
            text += "?" + query.map { Self.percentEncode($0.0) + "=" + Self.percentEncode($0.1) }.joined(separator: "&")
        }
        return text
    }

    /// Encodes every byte except the RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`).
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

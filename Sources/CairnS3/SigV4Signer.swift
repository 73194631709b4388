import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for requests to S3-compatible object stores: our own signer on
/// swift-crypto (issue 14; Soto is not on the package mirror), checked against AWS's published test vectors.
///
/// ``sign(_:at:)`` adds `x-amz-date` (and `x-amz-security-token` for temporary credentials) to the request's headers
/// and returns them with `authorization`. Every header given is signed; `host` must be among them, and for S3 the
/// payload's SHA-256 (`x-amz-content-sha256`, or `UNSIGNED-PAYLOAD` for a streamed body that is checked otherwise).
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable, Hashable {
        public var accessKeyID: String
        public var secretAccessKey: String
        /// For temporary credentials (STS); sent as `x-amz-security-token` and signed.
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// What is signed: the method, the path as the server will see it (not yet percent-encoded), the query pairs
    /// (not yet encoded), the headers, and the hex SHA-256 of the body.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var payloadHash: String

        public init(
            method: String,
            path: String,
            query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)],
            payloadHash: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    public var credentials: Credentials
    public var region: String
    public var service: String
    /// Every service but S3 encodes the path twice (AWS's rule); S3 once.
    public var encodesPathTwice: Bool

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.encodesPathTwice = service != "s3"
    }

    /// The hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The request's headers with `x-amz-date` (and the session token) added, and `authorization`.
    public func sign(_ request: Request, at date: Date) -> [(name: String, value: String)] {
        var headers = request.headers.filter { $0.name.lowercased() != "authorization" }
        let stamp = Self.timestamp(date)
        headers.append((name: "x-amz-date", value: stamp))
        if let token = credentials.sessionToken { headers.append((name: "x-amz-security-token", value: token)) }
        var signing = request
        signing.headers = headers
        let (canonical, signed) = canonicalRequest(signing)
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = stringToSign(canonical: canonical, timestamp: stamp, scope: scope)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: stamp)))
        headers.append(
            (
                name: "authorization",
                value: "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signed), "
                    + "Signature=\(signature)"
            )
        )
        return headers
    }

    /// The canonical request and its signed-header list (AWS's step 1).
    func canonicalRequest(_ request: Request) -> (text: String, signedHeaders: String) {
        var path = request.path.isEmpty ? "/" : request.path
        if !path.hasPrefix("/") { path = "/" + path }
        var uri = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.encode(String($0)) }.joined(separator: "/")
        if encodesPathTwice {
            uri = uri.split(separator: "/", omittingEmptySubsequences: false)
                .map { Self.encode(String($0)) }.joined(separator: "/")
        }
        let pairs: [(String, String)] = request.query.map { (Self.encode($0.name), Self.encode($0.value)) }
        let ordered = pairs.sorted { a, b in a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
        let query = ordered.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var grouped: [String: [String]] = [:]
        for header in request.headers {
            grouped[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
        }
        let names = grouped.keys.sorted()
        let headers = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        let parts: [String] = [request.method.uppercased(), uri, query, headers, signed, request.payloadHash]
        let text = parts.joined(separator: "\n")
        return (text, signed)
    }

    func stringToSign(canonical: String, timestamp: String, scope: String) -> String {
        "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n\(Self.hex(SHA256.hash(data: Data(canonical.utf8))))"
    }

    func signingKey(day stamp: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: some StringProtocol) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        return mac(mac(mac(mac(secret, stamp.prefix(8)), region), service), "aws4_request")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ",
            parts.year!,
            parts.month!,
            parts.day!,
            parts.hour!,
            parts.minute!,
            parts.second!
        )
    }

    /// RFC 3986 encoding as AWS wants it: unreserved characters (`A-Z a-z 0-9 - . _ ~`) kept, every other byte of
    /// the UTF-8 as `%XX` in upper case (a space is `%20`, never `+`).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// A header value with leading and trailing space removed and every run of spaces made one.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

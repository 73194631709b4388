import Foundation

/// Which locations a caller may store for later use: a version's `source`, an experiment's `artifact_location`.
///
/// Cairn snapshots the files of its own URIs (`models:/`, `runs:/`, `mlflow-artifacts:`) and records any other URI as
/// information. It never opens a path named by a request, so two kinds of location are refused outright, each with
/// one fixed answer whatever exists on the server (no existence oracle, the CVE-2023-1176 class):
/// - **paths on the server**: absolute or dot-relative paths, `~`, drive letters, `file:` URIs;
/// - **internal addresses**: a URI whose host is this machine, a private, link-local, shared or metadata address in
///   any notation (``IPAddress``), or a private name (``InternalAddresses``), since a client or a later fetch would
///   be steered at it (the CVE-2023-6974 class). An admin lets chosen ones through with ``allowed``
///   (`cairn serve --allowed-internal-sources`).
///
/// Bucket-style URIs (`s3://bucket/…`, `gs://`, `wasbs://`…) name a bucket, not a host, and are not judged by host.
public struct LocationPolicy: Sendable, Equatable {
    /// Internal networks (CIDR) and host names an admin allows in stored locations.
    public var allowedNetworks: [IPNetwork]
    public var allowedHosts: Set<String>

    /// Nothing internal is allowed.
    public init() {
        self.allowedNetworks = []
        self.allowedHosts = []
    }

    /// Allows each entry: a CIDR block, an address or a host name.
    /// - Throws: `.invalidArgument` for an entry that is none of these.
    public init(allowing entries: [String]) throws(RegistryError) {
        self.init()
        for raw in entries {
            let entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !entry.isEmpty else { continue }
            if let network = IPNetwork(parsing: entry) {
                allowedNetworks.append(network)
            } else if entry.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789.-".unicodeScalars.contains($0))
            }) {
                allowedHosts.insert(entry.hasSuffix(".") ? String(entry.dropLast()) : entry)
            } else {
                throw RegistryError.invalid(
                    "'\(raw.prefix(80))' is neither a network (10.0.0.0/8), an address nor a host name."
                )
            }
        }
    }

    /// Schemes whose authority is a bucket or account, never a host a client connects to by that name.
    static let bucketSchemes: Set<String> = [
        "s3", "s3a", "s3n", "gs", "gcs", "wasb", "wasbs", "abfs", "abfss", "adl", "oss", "cos", "r2", "dbfs", "hf",
    ]

    /// Refuses `location` when it names a path on the server or an internal address.
    /// - Parameter field: the request field, named in the message (`source`, `artifact_location`).
    /// - Throws: `.invalidArgument` with a fixed message per kind (paths never echo the location).
    public func check(_ location: String, field: String) throws(RegistryError) {
        if Self.isServerPath(location) {
            throw RegistryError.invalid(
                "'\(field)' names a path on the server's file system, which Cairn never reads. Upload the files "
                    + "(`cairn push`, or log them with the mlflow client) and register from a runs:/, models:/ or "
                    + "mlflow-artifacts: URI."
            )
        }
        guard let (scheme, host) = Self.host(of: location), !Self.bucketSchemes.contains(scheme) else { return }
        guard let reason = InternalAddresses.reason(forHost: host), !allows(host) else { return }
        throw RegistryError.invalid(
            "'\(field)' points at \(reason) ('\(host.prefix(80))'), which clients would be sent to fetch from. Use a "
                + "public location, or ask an admin to allow it with `cairn serve --allowed-internal-sources`."
        )
    }

    func allows(_ host: String) -> Bool {
        if allowedHosts.contains(host) { return true }
        guard let address = IPAddress(parsing: host) else { return false }
        let candidates = [address] + (address.embeddedV4.map { [IPAddress.v4($0)] } ?? [])
        return candidates.contains { candidate in allowedNetworks.contains { $0.contains(candidate) } }
    }

    /// Whether `location` is a path or `file:` URI (read by a client as a path on its own machine, and by a careless
    /// server as one on the server's).
    static func isServerPath(_ location: String) -> Bool {
        let text = location.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = text.first else { return false }
        if first == "/" || first == "\\" || first == "~" { return true }
        if text == "." || text == ".." || text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix(".\\")
            || text.hasPrefix("..\\")
        {
            return true
        }
        let scalars = Array(text.unicodeScalars.prefix(3))
        if scalars.count >= 2, scalars[0].isASCII, scalars[0].properties.isAlphabetic, scalars[1] == ":",
            scalars.count == 2 || scalars[2] == "/" || scalars[2] == "\\"
        {
            return true
        }
        return text.lowercased().hasPrefix("file:")
    }

    /// The scheme (lowercased) and host (decoded, lowercased, compatibility-folded) of a URI with an authority, read
    /// as leniently as a browser would (`http:/h`, `http:\\h` and `http:h` are all host `h`; userinfo is dropped).
    static func host(of location: String) -> (scheme: String, host: String)? {
        let text = location.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard let first = scheme.first, first.isLetter, first.isASCII,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        var rest = text[text.index(after: colon)...]
        // Special schemes skip any run of slashes before the host, or none (WHATWG); others have an authority only
        // after exactly `//` (`x:///path` has an empty one).
        let special: Set<String> = ["http", "https", "ftp", "ws", "wss"]
        if special.contains(scheme) {
            rest = rest.drop { $0 == "/" || $0 == "\\" }
        } else {
            guard rest.hasPrefix("//") else { return nil }
            rest = rest.dropFirst(2)
        }
        var authority = rest.prefix { !"/\\?#".contains($0) }
        guard !authority.isEmpty || special.contains(scheme) else { return nil }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = String(authority)
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = String(host[...close]) }
        } else if let portColon = host.lastIndex(of: ":") {
            host = String(host[..<portColon])
        }
        host = host.removingPercentEncoding ?? host
        host = host.precomposedStringWithCompatibilityMapping.lowercased()
        for dot in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] { host = host.replacingOccurrences(of: dot, with: ".") }
        return (scheme, host)
    }
}

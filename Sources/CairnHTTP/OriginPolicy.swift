import CairnCore
import Foundation

/// Which hosts and web origins may drive this server: the defence against DNS rebinding and cross-site requests
/// (MLflow's CVE-2025-14279 class), applied by ``OriginGuardMiddleware`` to every route of every surface.
///
/// - **Host.** A request must name the server by an allowed host: the listen address, a loopback name or address
///   (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`), or one of ``allowedHosts`` (`name`, `*.suffix`, or `*` for
///   any). On a wildcard listen address (`0.0.0.0`, `::`) any IP literal is allowed too: DNS rebinding needs a name.
///   `X-Forwarded-Host` / `Forwarded: host=` stand in for `Host` only when the peer is one of ``trustedProxies``.
/// - **Origin.** A state-changing request (any method but GET, HEAD, OPTIONS) sent by a browser from another origin
///   is refused unless that origin is one of ``corsOrigins``: `Origin` decides when present (`null` is another
///   origin); else `Sec-Fetch-Site` must be `same-origin` or `none`. Clients that send neither (the CLI, mlflow,
///   curl) are not browsers and pass.
/// - **CORS** is off unless ``corsOrigins`` is configured; then those origins get CORS headers and preflights.
public struct OriginPolicy: Sendable, Equatable {
    /// The address the server listens on (`127.0.0.1`, `::`, a host name).
    public var listenHost: String
    /// Extra host names the server answers to: exact names, `*.example.com`, or `*` (no Host check).
    public var allowedHosts: [String]
    /// Peers whose `X-Forwarded-Host` / `Forwarded` headers are believed.
    public var trustedProxies: [IPNetwork]
    /// Web origins (`https://ui.example.com`) allowed to make cross-origin requests, with CORS headers.
    public var corsOrigins: Set<String>

    public init(
        listenHost: String = "127.0.0.1",
        allowedHosts: [String] = [],
        trustedProxies: [IPNetwork] = [],
        corsOrigins: [String] = []
    ) {
        self.listenHost = Self.normalizedHost(listenHost)
        self.allowedHosts = allowedHosts.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter {
            !$0.isEmpty
        }
        self.trustedProxies = trustedProxies
        self.corsOrigins = Set(corsOrigins.compactMap { Self.normalizedOrigin($0) })
    }

    /// What a request says about where it comes from and whom it addresses.
    public struct RequestFacts: Sendable {
        public var method: String
        public var host: String?
        public var forwardedHost: String?
        public var forwarded: String?
        public var origin: String?
        public var secFetchSite: String?
        public var peer: String?

        public init(
            method: String,
            host: String?,
            forwardedHost: String? = nil,
            forwarded: String? = nil,
            origin: String? = nil,
            secFetchSite: String? = nil,
            peer: String? = nil
        ) {
            self.method = method
            self.host = host
            self.forwardedHost = forwardedHost
            self.forwarded = forwarded
            self.origin = origin
            self.secFetchSite = secFetchSite
            self.peer = peer
        }
    }

    /// Why `request` is refused (`.permissionDenied`, a message saying which setting would allow it), or `nil`.
    public func refusal(_ request: RequestFacts) -> RegistryError? {
        let authority = effectiveAuthority(request)
        if let authority, !allowsHost(authority.host) {
            return RegistryError(
                .permissionDenied,
                "Host '\(authority.host.prefix(100))' is not a name of this server, so the request is refused (DNS "
                    + "rebinding protection). Use the listen address or localhost, or allow the name with "
                    + "--allowed-hosts (CAIRN_ALLOWED_HOSTS)."
            )
        }
        guard !["GET", "HEAD", "OPTIONS"].contains(request.method.uppercased()) else { return nil }
        if let origin = request.origin {
            let normalized = Self.normalizedOrigin(origin)
            if let normalized, corsOrigins.contains(normalized) { return nil }
            if let normalized, let authority, Self.isSameOrigin(normalized, authority) { return nil }
            return crossOrigin("origin '\(origin.prefix(100))'")
        }
        if let site = request.secFetchSite?.lowercased(), site != "same-origin", site != "none" {
            return crossOrigin("a \(site.prefix(20)) page")
        }
        return nil
    }

    func crossOrigin(_ what: String) -> RegistryError {
        RegistryError(
            .permissionDenied,
            "Cross-origin request from \(what) refused: web pages may change this registry only from its own origin "
                + "or from an origin allowed with --cors-allowed-origins (CAIRN_CORS_ALLOWED_ORIGINS)."
        )
    }

    /// The origin to name in `Access-Control-Allow-Origin`, when `origin` is one of ``corsOrigins``.
    public func corsOrigin(for origin: String?) -> String? {
        guard let origin, let normalized = Self.normalizedOrigin(origin), corsOrigins.contains(normalized) else {
            return nil
        }
        return origin
    }

    /// The host and port the request addresses: the last `X-Forwarded-Host` value or the last `Forwarded` element's
    /// `host=` from a trusted proxy, else `Host`.
    func effectiveAuthority(_ request: RequestFacts) -> (host: String, port: Int?)? {
        if let peer = request.peer.flatMap({ IPAddress(parsing: $0) }), isTrustedProxy(peer) {
            if let forwarded = request.forwardedHost?.split(separator: ",").last {
                return Self.authority(String(forwarded))
            }
            if let element = request.forwarded?.split(separator: ",").last {
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "host" {
                        let value = parts[1].trimmingCharacters(in: .whitespaces)
                        return Self.authority(value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                    }
                }
            }
        }
        return request.host.map(Self.authority)
    }

    func isTrustedProxy(_ peer: IPAddress) -> Bool {
        let candidates = [peer] + (peer.embeddedV4.map { [IPAddress.v4($0)] } ?? [])
        return candidates.contains { candidate in trustedProxies.contains { $0.contains(candidate) } }
    }

    func allowsHost(_ host: String) -> Bool {
        if host == listenHost || Self.isLoopback(host) { return true }
        if ["0.0.0.0", "[::]", "::"].contains(listenHost), IPAddress(parsing: host) != nil { return true }
        return allowedHosts.contains { pattern in
            if pattern == "*" { return true }
            if pattern.hasPrefix("*.") { return host.hasSuffix(pattern.dropFirst()) }
            return Self.normalizedHost(pattern) == host
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        guard let address = IPAddress(parsing: host) else { return false }
        let loopback = [IPNetwork(parsing: "127.0.0.0/8")!, IPNetwork(parsing: "::1/128")!]
        let candidates = [address] + (address.embeddedV4.map { [IPAddress.v4($0)] } ?? [])
        return candidates.contains { candidate in loopback.contains { $0.contains(candidate) } }
    }

    /// A `Host` value split into host and port: `[::1]:5000` → (`[::1]`, 5000), `Example.COM.` → (`example.com`, nil).
    static func authority(_ value: String) -> (host: String, port: Int?) {
        let text = value.trimmingCharacters(in: .whitespaces)
        var host = text
        var portText: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[...close])
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        let port = portText.flatMap { $0.count <= 5 && $0.allSatisfy(\.isWholeNumber) ? Int($0) : nil }
        return (normalizedHost(host), port)
    }

    /// Lowercased, without a trailing dot; a bare IPv6 literal gains brackets.
    static func normalizedHost(_ host: String) -> String {
        var text = host.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        if text.contains(":"), !text.hasPrefix("[") { text = "[\(text)]" }
        return text
    }

    /// `scheme://host:port` with the default port made explicit, or `nil` for `null` and anything unparsable.
    public static func normalizedOrigin(_ origin: String) -> String? {
        let text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        guard let range = text.range(of: "://") else { return nil }
        let scheme = String(text[..<range.lowerBound])
        let rest = String(text[range.upperBound...])
        guard ["http", "https"].contains(scheme), !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else {
            return nil
        }
        let (host, port) = authority(rest)
        guard !host.isEmpty, host != "[]" else { return nil }
        return "\(scheme)://\(host):\(port ?? (scheme == "https" ? 443 : 80))"
    }

    /// Whether the normalized `origin` is the server's own origin as the request addresses it: the same host and
    /// port (a `Host` without a port has the default port of the origin's scheme). Another port on the same host is
    /// another origin: a page served by some other local program must not drive the registry.
    static func isSameOrigin(_ origin: String, _ authority: (host: String, port: Int?)) -> Bool {
        guard let range = origin.range(of: "://"), let colon = origin.lastIndex(of: ":"), colon > range.lowerBound
        else { return false }
        let scheme = origin[..<range.lowerBound]
        let host = String(origin[range.upperBound..<colon])
        let port = Int(origin[origin.index(after: colon)...])
        return host == authority.host && port == (authority.port ?? (scheme == "https" ? 443 : 80))
    }
}

/// The addresses a location handed to clients (or fetched by the server) must not point at unless an admin allows
/// them: this machine, private networks, link-local and cloud metadata services (the SSRF class of MLflow's
/// CVE-2023-6974). One list, used for stored locations now and for outbound connections when those come.
public enum InternalAddresses {
    /// Every refused block, with what it is (shown in error messages).
    public static let blocks: [(network: IPNetwork, what: String)] = [
        ("0.0.0.0/8", "a 'this network' address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address, where cloud metadata services also live"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address, where cloud metadata services live"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
        ("168.63.129.16/32", "a cloud metadata address"),
        ("::/128", "the unspecified address"),
        ("::1/128", "a loopback address"),
        ("100::/64", "a discard address"),
        ("fc00::/7", "a unique-local (private) address, where cloud metadata services also live"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    ].map { (IPNetwork(parsing: $0.0)!, $0.1) }

    /// Host names that only ever name this machine or a metadata service, and suffixes reserved for private use.
    static let names: Set<String> = [
        "localhost", "localhost.localdomain", "metadata", "metadata.google.internal", "metadata.goog",
        "instance-data", "instance-data.ec2.internal",
    ]
    static let suffixes = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa", ".intranet", ".lan"]

    /// Why `address` is internal, or `nil` for a public address. IPv6 forms that carry an IPv4 address are judged
    /// by the IPv4 address too.
    public static func reason(for address: IPAddress) -> String? {
        if let block = blocks.first(where: { $0.network.contains(address) }) { return block.what }
        if let v4 = address.embeddedV4 { return reason(for: .v4(v4)) }
        return nil
    }

    /// Why the host name or address literal `host` (already decoded and lowercased, without brackets' meaning lost)
    /// is internal, or `nil`. Names are not resolved: a single-label name (`minio`) can only be resolved by a
    /// private resolver, so it counts as internal; other names are judged again at connect time by whoever connects.
    public static func reason(forHost host: String) -> String? {
        if let address = IPAddress(parsing: host) { return reason(for: address) }
        var name = host
        while name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty { return "an empty host" }
        if names.contains(name) { return "a name of this machine or of a metadata service" }
        if suffixes.contains(where: { name.hasSuffix($0) }) { return "a name reserved for private networks" }
        if !name.contains(".") { return "a single-label name, which only a private resolver answers" }
        // A name whose last label is numeric is an IPv4 address to every URL parser, or invalid: never a public name.
        if let last = name.split(separator: ".").last,
            last.allSatisfy(\.isWholeNumber)
                || (last.lowercased().hasPrefix("0x") && last.dropFirst(2).allSatisfy(\.isHexDigit))
        {
            return "not a valid address"
        }
        return nil
    }
}

/// Which addresses the server itself may connect to when it calls out (webhook deliveries): judged at connect time,
/// on the address DNS answered, so a name that resolves (or re-resolves) to an internal address is refused too.
///
/// Never allowed: link-local and cloud metadata addresses, and the unspecified, multicast and reserved blocks.
/// Loopback, private and shared (carrier-grade NAT) addresses are refused unless an admin allows them
/// (`cairn serve --webhook-allow-private`, for receivers on the same host or network).
public struct OutboundAddressPolicy: Sendable, Equatable {
    public var allowPrivate: Bool

    public init(allowPrivate: Bool = false) {
        self.allowPrivate = allowPrivate
    }

    /// Blocks that stay refused whatever the switch says.
    static let alwaysRefused: [(network: IPNetwork, what: String)] = [
        ("169.254.0.0/16", "a link-local address, where cloud metadata services live"),
        ("fe80::/10", "a link-local address"),
        ("168.63.129.16/32", "a cloud metadata address"),
        ("100.100.100.200/32", "a cloud metadata address"),
        ("fd00:ec2::254/128", "a cloud metadata address"),
        ("0.0.0.0/8", "a 'this network' address"),
        ("::/128", "the unspecified address"),
        ("224.0.0.0/4", "a multicast address"),
        ("ff00::/8", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
    ].map { (IPNetwork(parsing: $0.0)!, $0.1) }

    /// Why a connection to `address` is refused, or `nil` when it may be made.
    public func refusal(for address: IPAddress) -> String? {
        if let v4 = address.embeddedV4, case .v6 = address { return refusal(for: .v4(v4)) }
        if let block = Self.alwaysRefused.first(where: { $0.network.contains(address) }) { return block.what }
        if allowPrivate { return nil }
        return InternalAddresses.reason(for: address)
    }
}

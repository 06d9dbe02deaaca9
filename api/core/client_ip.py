"""The client's address: the socket peer, or what trusted reverse proxies say in `X-Forwarded-For`.

`X-Forwarded-For` is only believed when the direct peer is one of TRUSTED_PROXIES: anyone else could
write any address into it and so dodge the per-IP rate limits or forge the audit trail. Pure functions;
the proxy list is parsed once at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from storefleet.api.settings import ConfigurationError

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
TrustedProxies = tuple[Network, ...]


def parse_trusted_proxies(entries: Iterable[str]) -> TrustedProxies:
    """TRUSTED_PROXIES entries (IPs or CIDRs) -> networks; a host name or typo stops start-up."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ConfigurationError(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR range (host names are not allowed)"
            ) from exc
    return tuple(networks)


def parse_ip(value: str) -> IPAddress | None:
    """An address as proxies write it (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::1`), or None."""
    text = value.strip()
    if text.startswith("["):  # [v6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # v4:port (a bare IPv6 address has at least two colons)
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    # ::ffff:1.2.3.4 is 1.2.3.4 arriving on a dual-stack socket: match and report it as IPv4.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: IPAddress, trusted: TrustedProxies) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def resolve_client_ip(peer: str | None, forwarded_for: Sequence[str], trusted: TrustedProxies) -> str | None:
    """The client address for a request from `peer` carrying these `X-Forwarded-For` header values.

    Walks the forwarded list from the right (the hop nearest to us), skipping trusted proxies; the first
    address not in TRUSTED_PROXIES is the client, as in nginx's real_ip_recursive. Entries left of it
    were written by the client itself and are ignored. An unparsable entry ends the walk at the last
    trusted hop, since nothing beyond it can be believed.
    """
    peer_address = parse_ip(peer) if peer else None
    if peer_address is None:
        return peer  # a unix socket or a test transport: nothing to resolve
    if not trusted or not is_trusted(peer_address, trusted):
        return str(peer_address)
    nearest = peer_address
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_ip(hop)
        if address is None:
            break
        nearest = address
        if not is_trusted(address, trusted):
            break
    return str(nearest)

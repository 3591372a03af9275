"""Where webhooks may be sent: public internet addresses only, unless the operator allows more.

A webhook URL is checked when it is registered and again before every delivery, on the addresses
its host resolves to at that moment; the delivery then connects to the address that was checked
(``Target.address``), so a DNS answer that changes between the check and the connection (DNS
rebinding) cannot send it elsewhere. Loopback, private, link-local (cloud metadata included),
shared, reserved, multicast and unspecified addresses are refused, however they are spelled
(``127.1``, ``2130706433``, ``0x7f000001``, ``[::ffff:127.0.0.1]``): the resolver decodes the
spelling and the check looks only at the address it yields. ``RELEVE_WEBHOOK_ALLOWED_HOSTS``
lists the intranet hosts a self-hosted instance may call (host names, addresses or networks).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses to connect to; an empty list when the name does not resolve.
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
DEFAULT_PORTS = {"http": 80, "https": 443}
RESOLVE_SECONDS = 5.0
# NAT64 and 6to4 wrap an IPv4 address inside an IPv6 one: judge the wrapped address.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class TargetRefused(Exception):
    """The URL may not receive webhooks; ``reason`` is for logs and tests, never for users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CredentialsInURL(TargetRefused):
    """The URL carries a user name or password (webhooks are authenticated by signature)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the address its connection must go to."""

    url: httpx.URL
    address: IPAddress

    @property
    def host(self) -> str:
        return self.url.host

    def pinned_url(self) -> httpx.URL:
        """The URL with the checked address in place of the host name."""
        return self.url.copy_with(host=str(self.address))

    def host_header(self) -> str:
        port = self.url.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if port is None else f"{host}:{port}"


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses the system resolver gives for ``host`` (numeric spellings decoded);
    none when it does not answer within RESOLVE_SECONDS."""
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
    except (OSError, UnicodeError, TimeoutError):
        return []
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        wrapped = address.ipv4_mapped or address.sixtofour
        if wrapped is None and address in _NAT64:
            wrapped = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if wrapped is not None:
            return is_public(wrapped)
    return address.is_global and not (address.is_multicast or address.is_reserved)


@dataclass(frozen=True, slots=True)
class TargetPolicy:
    """Which webhook URLs are accepted, and how their hosts are resolved."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def parse(cls, allowed_hosts: str, resolver: Resolver = system_resolver) -> TargetPolicy:
        """From a comma-separated list of host names, addresses and networks (CIDR)."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (part.strip() for part in allowed_hosts.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.add(_normal_name(entry))
        return cls(frozenset(names), tuple(networks), resolver)

    def allows(self, host: str, address: IPAddress) -> bool:
        if is_public(address) or _normal_name(host) in self.allowed_names:
            return True
        return any(address in network for network in self.allowed_networks)

    async def check(self, url: str) -> Target:
        """The target of ``url`` if every address its host resolves to is allowed, else
        ``TargetRefused``. Call it again before each connection: answers change."""
        parsed = parse_url(url)
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        addresses = await self.resolver(parsed.host, port)
        if not addresses:
            raise TargetRefused("the host does not resolve")
        refused = [a for a in addresses if not self.allows(parsed.host, a)]
        if refused:
            raise TargetRefused(f"not a public address: {refused[0]}")
        return Target(parsed, addresses[0])


def parse_url(url: str) -> httpx.URL:
    """An absolute http(s) URL without credentials, else ``TargetRefused``."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise TargetRefused("not a URL") from error
    if parsed.scheme not in DEFAULT_PORTS or not parsed.host:
        raise TargetRefused("not an absolute http(s) URL")
    if parsed.userinfo or "@" in parsed.netloc.decode("ascii", "replace"):
        raise CredentialsInURL("credentials in the URL")
    return parsed


def _normal_name(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()

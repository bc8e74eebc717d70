// IP addresses, CIDR blocks and what kind of network an address belongs to. The ingest policy and
// the HTTP client use this to refuse connections to internal networks (SSRF): the class of the
// address actually connected decides, never the spelling of a host name.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::net {

/// An IPv4 or IPv6 address. IPv4 is held in the first four bytes.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  /// Parses dotted-quad IPv4 or textual IPv6 (no brackets, no zone); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  /// The address of an AF_INET or AF_INET6 socket address; nullopt for other families.
  static std::optional<IpAddress> from_sockaddr(const sockaddr* address);

  /// The IPv4 address an IPv6 address stands for (IPv4-mapped ::ffff:a.b.c.d), else itself.
  IpAddress unmapped() const;
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

/// The special-purpose ranges of the IANA IPv4 and IPv6 registries, grouped by why a fetch must not
/// reach them. Only Public is reachable without an allow-list entry.
enum class AddressClass {
  Public,
  Unspecified,      // 0.0.0.0/8, ::
  Loopback,         // 127.0.0.0/8, ::1
  Private,          // 10/8, 172.16/12, 192.168/16, fec0::/10, 64:ff9b:1::/48
  CarrierGradeNat,  // 100.64.0.0/10
  LinkLocal,        // 169.254.0.0/16 (cloud metadata lives here), fe80::/10
  UniqueLocal,      // fc00::/7
  Multicast,        // 224.0.0.0/4, ff00::/8
  Documentation,    // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  Reserved,         // everything else not globally routable: 240/4, broadcast, 198.18/15, ...
};

/// The class of an address. IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96,
/// 6to4 2002::/16) are classified by the embedded address.
AddressClass classify(const IpAddress& address);

/// "a private address", "a loopback address", ... for messages.
std::string_view describe(AddressClass cls);

/// A CIDR block such as 10.0.0.0/8 or fd00::/8; a bare address is a block of one.
struct Cidr {
  IpAddress base;
  int prefix = 0;

  /// Parses "ADDR" or "ADDR/N"; on failure returns nullopt and says why in *error.
  static std::optional<Cidr> parse(std::string_view text, std::string* error);
  /// Whether the block holds `address`; IPv4-mapped IPv6 addresses match IPv4 blocks.
  bool contains(const IpAddress& address) const;
};

}  // namespace wfc::net

// Address parsing and the special-purpose range tables (IANA IPv4/IPv6 Special-Purpose Address
// Registries, plus multicast and the reserved class E space).
#include "runtime/net/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <vector>

namespace wfc::net {
namespace {

/// Whether the first `prefix` bits of a and b agree.
bool same_prefix(const std::uint8_t* a, const std::uint8_t* b, int prefix) {
  int full = prefix / 8;
  if (std::memcmp(a, b, full) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

struct Range {
  const char* block;
  int prefix;
  AddressClass cls;
};

// Most specific entries first where ranges nest.
constexpr Range kV4Ranges[] = {
    {"0.0.0.0", 8, AddressClass::Unspecified},
    {"10.0.0.0", 8, AddressClass::Private},
    {"100.64.0.0", 10, AddressClass::CarrierGradeNat},
    {"127.0.0.0", 8, AddressClass::Loopback},
    {"169.254.0.0", 16, AddressClass::LinkLocal},
    {"172.16.0.0", 12, AddressClass::Private},
    {"192.0.0.0", 24, AddressClass::Reserved},  // IETF protocol assignments
    {"192.0.2.0", 24, AddressClass::Documentation},
    {"192.88.99.0", 24, AddressClass::Reserved},  // 6to4 relay anycast
    {"192.168.0.0", 16, AddressClass::Private},
    {"198.18.0.0", 15, AddressClass::Reserved},  // benchmarking
    {"198.51.100.0", 24, AddressClass::Documentation},
    {"203.0.113.0", 24, AddressClass::Documentation},
    {"224.0.0.0", 4, AddressClass::Multicast},
    {"240.0.0.0", 4, AddressClass::Reserved},  // class E and 255.255.255.255
};

constexpr Range kV6Ranges[] = {
    {"::", 128, AddressClass::Unspecified},
    {"::1", 128, AddressClass::Loopback},
    {"::", 96, AddressClass::Reserved},  // deprecated IPv4-compatible
    {"64:ff9b:1::", 48, AddressClass::Private},
    {"100::", 64, AddressClass::Reserved},  // discard-only
    {"2001:db8::", 32, AddressClass::Documentation},
    {"2001::", 23, AddressClass::Reserved},  // IETF protocol assignments, Teredo
    {"fc00::", 7, AddressClass::UniqueLocal},
    {"fe80::", 10, AddressClass::LinkLocal},
    {"fec0::", 10, AddressClass::Private},  // deprecated site-local
    {"ff00::", 8, AddressClass::Multicast},
};

struct ParsedRange {
  IpAddress block;
  int prefix;
  AddressClass cls;
};

template <std::size_t N>
std::vector<ParsedRange> parse_ranges(const Range (&ranges)[N]) {
  std::vector<ParsedRange> parsed;
  for (const Range& r : ranges) parsed.push_back({*IpAddress::parse(r.block), r.prefix, r.cls});
  return parsed;
}

AddressClass classify_in(const IpAddress& address, const std::vector<ParsedRange>& ranges) {
  for (const ParsedRange& r : ranges) {
    if (same_prefix(address.bytes.data(), r.block.bytes.data(), r.prefix)) return r.cls;
  }
  return AddressClass::Public;
}

IpAddress v4_from(const std::uint8_t* four) {
  IpAddress a;
  std::memcpy(a.bytes.data(), four, 4);
  return a;
}

/// The IPv4-mapped IPv6 form of an IPv4 address; IPv6 addresses unchanged.
IpAddress as_v6(const IpAddress& address) {
  if (address.v6) return address;
  IpAddress a;
  a.v6 = true;
  a.bytes[10] = a.bytes[11] = 0xff;
  std::memcpy(&a.bytes[12], address.bytes.data(), 4);
  return a;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  IpAddress a;
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    std::memcpy(a.bytes.data(), &in->sin_addr, 4);
    return a;
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    a.v6 = true;
    std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::unmapped() const {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (v6 && std::memcmp(bytes.data(), kMapped, 12) == 0) return v4_from(bytes.data() + 12);
  return *this;
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

AddressClass classify(const IpAddress& address) {
  IpAddress a = address.unmapped();
  static const std::vector<ParsedRange> v4 = parse_ranges(kV4Ranges);
  static const std::vector<ParsedRange> v6 = parse_ranges(kV6Ranges);
  if (!a.v6) return classify_in(a, v4);
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they embed.
  static const auto kNat64 = IpAddress::parse("64:ff9b::");
  static const auto kSixToFour = IpAddress::parse("2002::");
  if (same_prefix(a.bytes.data(), kNat64->bytes.data(), 96)) return classify(v4_from(&a.bytes[12]));
  if (same_prefix(a.bytes.data(), kSixToFour->bytes.data(), 16))
    return classify(v4_from(&a.bytes[2]));
  AddressClass cls = classify_in(a, v6);
  if (cls != AddressClass::Public) return cls;
  // Only 2000::/3 is allocated as global unicast; the rest of the space is unassigned.
  return (a.bytes[0] & 0xe0) == 0x20 ? AddressClass::Public : AddressClass::Reserved;
}

std::string_view describe(AddressClass cls) {
  switch (cls) {
    case AddressClass::Public:
      return "a public address";
    case AddressClass::Unspecified:
      return "an unspecified address";
    case AddressClass::Loopback:
      return "a loopback address";
    case AddressClass::Private:
      return "a private address";
    case AddressClass::CarrierGradeNat:
      return "a carrier-grade NAT address";
    case AddressClass::LinkLocal:
      return "a link-local address";
    case AddressClass::UniqueLocal:
      return "a unique-local address";
    case AddressClass::Multicast:
      return "a multicast address";
    case AddressClass::Documentation:
      return "a documentation address";
    case AddressClass::Reserved:
      return "a reserved address";
  }
  return "an address";
}

std::optional<Cidr> Cidr::parse(std::string_view text, std::string* error) {
  auto slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  auto base = IpAddress::parse(addr);
  if (!base) {
    *error = "'" + std::string(addr) + "' is not an IP address";
    return std::nullopt;
  }
  int max = base->v6 ? 128 : 32;
  Cidr c{*base, max};
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), c.prefix);
    if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || c.prefix < 0 ||
        c.prefix > max) {
      *error = "prefix length '" + std::string(bits) + "' must be a number from 0 to " +
               std::to_string(max);
      return std::nullopt;
    }
  }
  return c;
}

bool Cidr::contains(const IpAddress& address) const {
  // Compared in IPv6 space, where a.b.c.d is ::ffff:a.b.c.d, so both spellings of an IPv4 address
  // match both spellings of a block.
  IpAddress a = as_v6(address);
  IpAddress b = as_v6(base);
  return same_prefix(a.bytes.data(), b.bytes.data(), base.v6 ? prefix : prefix + 96);
}

}  // namespace wfc::net

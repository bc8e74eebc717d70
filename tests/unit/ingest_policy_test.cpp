// Address classification (what counts as internal), CIDR blocks, the allow-list entries and the
// shared --allow-hosts / --allow-files flags with their environment fallbacks.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "runtime/ingest/access_policy.h"
#include "runtime/net/ip_address.h"
#include "tests/unit/test_cli.h"
#include "tools/wfc/runtime/access_flags.h"

namespace wfc {
namespace {

using net::AddressClass;

struct Row {
  const char* address;
  AddressClass cls;
};

void check_classes(std::initializer_list<Row> rows) {
  for (const auto& row : rows) {
    INFO(row.address);
    auto address = net::IpAddress::parse(row.address);
    REQUIRE(address);
    CHECK(net::classify(*address) == row.cls);
  }
}

TEST_CASE("IPv4 addresses are classified by the special-purpose registry", "[ingest]") {
  check_classes({
      {"8.8.8.8", AddressClass::Public},
      {"1.1.1.1", AddressClass::Public},
      {"172.32.0.1", AddressClass::Public},
      {"100.128.0.1", AddressClass::Public},
      {"10.0.0.5", AddressClass::Private},
      {"172.16.0.1", AddressClass::Private},
      {"172.31.255.255", AddressClass::Private},
      {"192.168.1.1", AddressClass::Private},
      {"127.0.0.1", AddressClass::Loopback},
      {"127.255.255.254", AddressClass::Loopback},
      {"169.254.169.254", AddressClass::LinkLocal},
      {"100.64.0.1", AddressClass::CarrierGradeNat},
      {"0.0.0.0", AddressClass::Unspecified},
      {"0.1.2.3", AddressClass::Unspecified},
      {"224.0.0.1", AddressClass::Multicast},
      {"239.255.255.250", AddressClass::Multicast},
      {"240.0.0.1", AddressClass::Reserved},
      {"255.255.255.255", AddressClass::Reserved},
      {"198.18.0.1", AddressClass::Reserved},
      {"192.0.0.8", AddressClass::Reserved},
      {"192.0.2.1", AddressClass::Documentation},
      {"203.0.113.9", AddressClass::Documentation},
  });
}

TEST_CASE("IPv6 addresses are classified, embedded IPv4 by the address it embeds", "[ingest]") {
  check_classes({
      {"2606:4700:4700::1111", AddressClass::Public},
      {"2a00:1450:4001::200e", AddressClass::Public},
      {"::1", AddressClass::Loopback},
      {"::", AddressClass::Unspecified},
      {"::ffff:127.0.0.1", AddressClass::Loopback},
      {"::ffff:10.0.0.5", AddressClass::Private},
      {"::ffff:169.254.169.254", AddressClass::LinkLocal},
      {"::ffff:8.8.8.8", AddressClass::Public},
      {"64:ff9b::a00:5", AddressClass::Private},   // NAT64 of 10.0.0.5
      {"64:ff9b::808:808", AddressClass::Public},  // NAT64 of 8.8.8.8
      {"2002:7f00:1::", AddressClass::Loopback},   // 6to4 of 127.0.0.1
      {"::7f00:1", AddressClass::Reserved},        // deprecated IPv4-compatible
      {"fe80::1", AddressClass::LinkLocal},
      {"fc00::1", AddressClass::UniqueLocal},
      {"fd12:3456::1", AddressClass::UniqueLocal},
      {"fec0::1", AddressClass::Private},
      {"ff02::1", AddressClass::Multicast},
      {"2001:db8::1", AddressClass::Documentation},
      {"2001::1", AddressClass::Reserved},  // Teredo
      {"4000::1", AddressClass::Reserved},  // outside 2000::/3
  });
}

TEST_CASE("Address text that is not an address does not parse", "[ingest]") {
  for (const char* text : {"", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "[::1]", "localhost",
                           "1.2.3.4 ", "fe80::1%eth0"}) {
    INFO(text);
    CHECK_FALSE(net::IpAddress::parse(text));
  }
  CHECK(net::IpAddress::parse("::ffff:10.0.0.5")->to_string() == "::ffff:10.0.0.5");
  CHECK(net::IpAddress::parse("::ffff:10.0.0.5")->unmapped().to_string() == "10.0.0.5");
}

TEST_CASE("CIDR blocks hold their addresses in both IPv4 spellings", "[ingest]") {
  std::string error;
  auto ten = net::Cidr::parse("10.0.0.0/8", &error);
  REQUIRE(ten);
  CHECK(ten->contains(*net::IpAddress::parse("10.255.0.1")));
  CHECK(ten->contains(*net::IpAddress::parse("::ffff:10.1.2.3")));
  CHECK_FALSE(ten->contains(*net::IpAddress::parse("11.0.0.1")));
  CHECK_FALSE(ten->contains(*net::IpAddress::parse("::1")));

  auto mapped = net::Cidr::parse("::ffff:10.0.0.0/104", &error);
  REQUIRE(mapped);
  CHECK(mapped->contains(*net::IpAddress::parse("10.9.9.9")));

  auto ula = net::Cidr::parse("fd00::/8", &error);
  REQUIRE(ula);
  CHECK(ula->contains(*net::IpAddress::parse("fd12::1")));
  CHECK_FALSE(ula->contains(*net::IpAddress::parse("fe80::1")));

  auto one = net::Cidr::parse("127.0.0.1", &error);
  REQUIRE(one);
  CHECK(one->contains(*net::IpAddress::parse("127.0.0.1")));
  CHECK_FALSE(one->contains(*net::IpAddress::parse("127.0.0.2")));

  CHECK_FALSE(net::Cidr::parse("10.0.0.0/33", &error));
  CHECK(error == "prefix length '33' must be a number from 0 to 32");
  CHECK_FALSE(net::Cidr::parse("10.0.0.0/", &error));
  CHECK_FALSE(net::Cidr::parse("10.0.0.0/x", &error));
  CHECK_FALSE(net::Cidr::parse("fd00::/129", &error));
  CHECK_FALSE(net::Cidr::parse("10.0.0/8", &error));
  CHECK(error == "'10.0.0' is not an IP address");
}

TEST_CASE("The host allow-list widens what may be connected to, and only that", "[ingest]") {
  ingest::AccessPolicy policy;
  std::string error;
  auto loopback = *net::IpAddress::parse("127.0.0.1");
  auto private_ten = *net::IpAddress::parse("10.0.0.5");
  auto metadata = *net::IpAddress::parse("169.254.169.254");

  CHECK(policy.connect_refusal("example.com", *net::IpAddress::parse("93.184.216.34")).empty());
  CHECK(policy.connect_refusal("10.0.0.5", private_ten) ==
        "10.0.0.5 is a private address; allow it with --allow-hosts or WFC_ALLOW_HOSTS");
  CHECK(policy.connect_refusal("x", *net::IpAddress::parse("::ffff:127.0.0.1")) ==
        "127.0.0.1 is a loopback address; allow it with --allow-hosts or WFC_ALLOW_HOSTS");

  REQUIRE(policy.allow_hosts(" 127.0.0.1, [::1],10.0.0.0/8 ,, Minio.Internal.", &error));
  CHECK(policy.connect_refusal("localhost", loopback).empty());
  CHECK(policy.connect_refusal("a", *net::IpAddress::parse("::1")).empty());
  CHECK(policy.connect_refusal("a", private_ten).empty());
  CHECK_FALSE(policy.connect_refusal("a", *net::IpAddress::parse("127.0.0.2")).empty());
  CHECK_FALSE(policy.connect_refusal("a", metadata).empty());
  // A host name entry allows whatever that name resolves to, not other names.
  CHECK(policy.connect_refusal("minio.internal", metadata).empty());
  CHECK(policy.connect_refusal("MINIO.internal.", metadata).empty());
  CHECK_FALSE(policy.connect_refusal("other.internal", metadata).empty());
}

TEST_CASE("Malformed allow-list entries are rejected with the entry named", "[ingest]") {
  ingest::AccessPolicy policy;
  std::string error;
  CHECK_FALSE(policy.allow_hosts("127.0.0.1,10.0.0.0/33", &error));
  CHECK(error == "host entry '10.0.0.0/33': prefix length '33' must be a number from 0 to 32");
  CHECK_FALSE(policy.allow_host("300.1.1.1", &error));
  CHECK(error == "host entry '300.1.1.1': '300.1.1.1' is not an IP address");
  CHECK_FALSE(policy.allow_host("http://minio", &error));
  CHECK(error == "host entry 'http://minio' is a URL; give only its host");
  CHECK_FALSE(policy.allow_host("bad_host!", &error));
  CHECK(error ==
        "host entry 'bad_host!' is neither an IP address, a CIDR block (10.0.0.0/8) nor a host "
        "name");
  CHECK_FALSE(policy.allow_file("/no/such/dir/anywhere", &error));
  CHECK(error == "file entry '/no/such/dir/anywhere': No such file or directory");
  CHECK_FALSE(policy.allow_file("/dev/null", &error));
  CHECK(error == "file entry '/dev/null' is neither a directory nor a regular file");
}

TEST_CASE("File entries allow their directory's tree or one file, canonically", "[ingest]") {
  test::TempDir tmp;
  tmp.write("media/a.mp4", "a");
  tmp.write("media/sub/b.mp4", "b");
  tmp.write("media-other/c.mp4", "c");
  tmp.write("single/one.mp4", "1");
  tmp.write("single/two.mp4", "2");
  std::filesystem::create_directory_symlink(tmp.path() / "media", tmp.path() / "alias");
  auto root = std::filesystem::canonical(tmp.path());

  ingest::AccessPolicy policy;
  std::string error;
  CHECK_FALSE(policy.reads_files());
  REQUIRE(policy.allow_files(
      (tmp.path() / "alias").string() + "," + (tmp.path() / "single/one.mp4").string(), &error));
  CHECK(policy.reads_files());
  CHECK(policy.file_allowed(root / "media/a.mp4"));
  CHECK(policy.file_allowed(root / "media/sub/b.mp4"));
  CHECK_FALSE(policy.file_allowed(root / "media-other/c.mp4"));  // a prefix of the name is not
  CHECK(policy.file_allowed(root / "single/one.mp4"));
  CHECK_FALSE(policy.file_allowed(root / "single/two.mp4"));
}

/// Parses `args` as the options of a command that took the access flags.
cli::AccessFlags parse_flags(const std::string& args) {
  CLI::App app;
  cli::AccessFlags flags;
  cli::add_access_flags(app, &flags);
  app.parse(args, false);
  return flags;
}

TEST_CASE("The access flags read lists, repeats and environment fallbacks", "[ingest]") {
  unsetenv("WFC_ALLOW_HOSTS");
  unsetenv("WFC_ALLOW_FILES");
  auto flags = parse_flags("--allow-hosts 127.0.0.1,::1 --allow-hosts 10.0.0.0/8");
  CHECK(flags.hosts == std::vector<std::string>{"127.0.0.1", "::1", "10.0.0.0/8"});
  CHECK(flags.files.empty());

  test::TempDir tmp;
  setenv("WFC_ALLOW_HOSTS", "192.168.0.0/16,minio.internal", 1);
  setenv("WFC_ALLOW_FILES", tmp.path().c_str(), 1);
  flags = parse_flags("");
  CHECK(flags.hosts == std::vector<std::string>{"192.168.0.0/16", "minio.internal"});
  CHECK(flags.files == std::vector<std::string>{tmp.path().string()});
  // The flag replaces the variable rather than adding to it.
  flags = parse_flags("--allow-hosts ::1");
  CHECK(flags.hosts == std::vector<std::string>{"::1"});

  ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(cli::access_policy(flags, &policy, &error));
  CHECK(policy.reads_files());
  CHECK(policy.connect_refusal("h", *net::IpAddress::parse("::1")).empty());
  CHECK_FALSE(policy.connect_refusal("h", *net::IpAddress::parse("192.168.1.1")).empty());

  setenv("WFC_ALLOW_HOSTS", "10.0.0.0/40", 1);
  CHECK_THROWS_WITH(parse_flags(""), Catch::Contains("prefix length '40'"));
  unsetenv("WFC_ALLOW_HOSTS");
  unsetenv("WFC_ALLOW_FILES");
  CHECK_THROWS_WITH(parse_flags("--allow-files /no/such/dir"),
                    Catch::Contains("file entry '/no/such/dir'"));
}

}  // namespace
}  // namespace wfc

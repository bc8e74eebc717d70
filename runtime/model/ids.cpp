// Random object ids (see ids.h). getrandom(2) draws the bytes; rejection sampling keeps the 36
// symbols uniform.
#include "runtime/model/ids.h"

#include <sys/random.h>

#include <array>
#include <cstdint>

namespace wfc::model {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr size_t kIdChars = 16;

void fill_random(uint8_t* out, size_t n) {
  while (n > 0) {
    ssize_t got = getrandom(out, n, 0);
    if (got < 0) continue;  // EINTR; getrandom never fails otherwise once the pool is ready
    out += got;
    n -= static_cast<size_t>(got);
  }
}

}  // namespace

std::string new_id(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  std::array<uint8_t, 64> bytes;
  size_t used = bytes.size();
  while (id.size() < prefix.size() + 1 + kIdChars) {
    if (used == bytes.size()) {
      fill_random(bytes.data(), bytes.size());
      used = 0;
    }
    uint8_t b = bytes[used++];
    if (b >= 252) continue;  // 252 = 36 × 7: keeps every symbol equally likely
    id += kAlphabet[b % 36];
  }
  return id;
}

bool is_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kIdChars) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace wfc::model

// Exact comparison of an int64 with a double, for the VM and the JIT's helpers: no lossy
// int64 → double conversion (2^53 + 1 is not 2^53). The reference evaluator deliberately does
// not use this: it compares through long double, an independent oracle.
#pragma once

#include <cmath>
#include <cstdint>

namespace wfc::expr {

/// -1, 0 or 1 as d is below, equal to or above i; 2 when d is NaN (unordered).
inline int compare_exact(double d, int64_t i) {
  if (std::isnan(d)) return 2;
  if (d < -9223372036854775808.0) return -1;  // below every int64 (-2^63 is exact)
  if (d >= 9223372036854775808.0) return 1;   // 2^63 and above
  auto t = static_cast<int64_t>(d);           // exact truncation toward zero, in range
  if (t < i) return -1;
  if (t > i) return 1;
  double frac = d - static_cast<double>(t);  // exact: d and t share the integral part
  return frac < 0 ? -1 : frac > 0 ? 1 : 0;
}

}  // namespace wfc::expr

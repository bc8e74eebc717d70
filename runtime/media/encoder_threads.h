// How the fused pass shares the machine's cores between its encoders and its decoder. Encoders
// that thread themselves (x264, x265, libvpx, SVT-AV1) each ask for about 1.5 threads per core
// by default, which suits one encoder alone on the machine; when several of them together
// already fill the cores, the extra threads only add their synchronisation cost (x264 with 3
// threads instead of 1 takes 4-14 % more CPU per rendition, docs/benchmarks.md), and so do the
// decoder's frame threads.
#pragma once

#include <vector>

#include "runtime/media/branch.h"

namespace wfc::media {

/// Whether the self-threading encoders among `branches` are at least as many as `cores`, so
/// that they keep every core busy by themselves.
bool encoders_fill_cores(const std::vector<Branch*>& branches, unsigned cores);

/// The thread count of each encoder whose work is `pixel_rates[i]` (pixels per second) when
/// they run together on `cores` cores: 0 (the encoder's own choice) for all of them when they
/// are fewer than the cores, else enough threads for each one's share of the cores,
/// ceil(cores × share), at least 1.
std::vector<int> encoder_thread_shares(const std::vector<double>& pixel_rates, unsigned cores);

/// Applies encoder_thread_shares to the self-threading video encoders among `branches`, before
/// any header is written: those whose thread count takes effect (x264, libvpx) are reopened
/// with their share; the others (x265, SVT-AV1) still count in the shares. An encoder that
/// cannot be reopened keeps its threads.
void share_encoder_threads(const std::vector<Branch*>& branches, unsigned cores);

}  // namespace wfc::media

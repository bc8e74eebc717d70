// The input gate: what libavformat may read when wfc opens an input. An input is one local file
// that the access policy (runtime/ingest/access_policy.h) has already admitted into the run's
// workspace; the gate makes sure libavformat reads that file and nothing else. Demuxers whose
// input names other resources (HLS and DASH playlists, ffconcat scripts, IMF packages, SDP...)
// are refused by name before their header is read, and every nested open that any other demuxer
// attempts (a QuickTime data reference, an image2 sequence, a Magic Lantern chunk) is refused by
// the context's io_open callback. docs/security.md lists the formats and what each gets.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

namespace wfc::media {

/// What a demuxer refused as an input is, for a message ("an HLS playlist"); nullptr when the
/// demuxer named `name` (FFmpeg's AVInputFormat::name) may read an input.
const char* refused_demuxer(const char* name);

/// Installs the gate on a context before avformat_open_input: the io_open callback that refuses
/// every nested open with AVERROR(EPERM), and the protocol whitelist `file` that nested contexts
/// inherit. Returns a negative AVERROR when out of memory.
int install_input_gate(AVFormatContext* fmt);

/// How many nested opens the gate has refused in this process (tests and the fuzz target).
long refused_nested_opens();

}  // namespace wfc::media

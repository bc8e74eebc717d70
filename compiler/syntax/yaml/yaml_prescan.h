// The YAML pre-scan: one linear pass over the raw text before yaml-cpp sees it. It finds what
// yaml-cpp either reports badly or must never be shown: tabs used for indentation (WF108) and
// nesting deeper than the limit (WF105; yaml-cpp's parser recurses once per level). On the way
// it records the extent of every block scalar and every `...` document end, which the reader
// needs for spans and for telling a second document from a stray line.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"

namespace wfc::syntax {

struct YamlLayout {
  /// False when the pre-scan reported a problem and the text must not be parsed.
  bool ok = true;
  /// (offset of the `|` or `>` indicator, end offset of the scalar's last content line),
  /// in increasing order.
  std::vector<std::pair<size_t, size_t>> block_scalars;
  /// Offsets of `...` document-end markers, in increasing order.
  std::vector<size_t> document_ends;

  /// End offset of the block scalar whose indicator is at `header`, or 0 when none is known.
  size_t block_scalar_end(size_t header) const;
};

/// Scans `file.text()` from byte `begin` (past a byte-order mark). Adds WF108 for every line
/// (at most a few) indented with a tab, and WF105 at the first point where the nesting provably
/// exceeds limits.max_depth. The depth it sees never exceeds the true depth, and the true depth
/// is at most about twice it, so the parser's recursion stays bounded.
YamlLayout prescan_yaml(const SourceFile& file, size_t begin, diag::Diagnostics& diags,
                        const Limits& limits);

/// The offsets of the flow brackets (`[`, `{`) still open just before byte `at`, outermost first,
/// by the same scan: for naming the bracket that a parse error at `at` leaves unclosed.
std::vector<size_t> open_flow_brackets(const SourceFile& file, size_t begin, size_t at,
                                       const Limits& limits);

}  // namespace wfc::syntax

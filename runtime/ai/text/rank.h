// The ranking arithmetic of the text analysis: stemmed term vectors, their cosine similarity, and
// PageRank over a weighted graph (damping 0.85, a fixed iteration cap and tolerance), as LexRank
// uses it to rank a transcript's sentences.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace wfc::ai::text {

/// Stem → weight (a count, or a TF-IDF weight). Ordered, so sums run in one order everywhere.
using TermVector = std::map<std::string, double>;

inline constexpr double kDamping = 0.85;
inline constexpr int kMaxIterations = 200;
inline constexpr double kTolerance = 1e-10;

/// The cosine of the angle between `a` and `b`; 0 when either is empty.
double cosine(const TermVector& a, const TermVector& b);

/// PageRank of the undirected or directed graph whose edge i → j weighs `weights[i][j]` (≥ 0;
/// the diagonal is ignored). A node without edges spreads its rank evenly. Scores sum to 1.
std::vector<double> page_rank(const std::vector<std::vector<double>>& weights);

/// LexRank of sentences given as term counts: PageRank over the cosine similarity of their
/// TF-IDF vectors (IDF over the sentences themselves). One score per sentence.
std::vector<double> lex_rank(const std::vector<TermVector>& sentences);

}  // namespace wfc::ai::text

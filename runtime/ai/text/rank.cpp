// Term vectors and PageRank (rank.h).
#include "runtime/ai/text/rank.h"

#include <cmath>

namespace wfc::ai::text {

double cosine(const TermVector& a, const TermVector& b) {
  double dot = 0, na = 0, nb = 0;
  for (const auto& [term, w] : a) {
    na += w * w;
    auto it = b.find(term);
    if (it != b.end()) dot += w * it->second;
  }
  for (const auto& [term, w] : b) nb += w * w;
  if (na <= 0 || nb <= 0) return 0;
  return dot / (std::sqrt(na) * std::sqrt(nb));
}

std::vector<double> page_rank(const std::vector<std::vector<double>>& weights) {
  const size_t n = weights.size();
  if (n == 0) return {};
  std::vector<double> out_sum(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i != j) out_sum[i] += weights[i][j];
    }
  }
  const double dn = static_cast<double>(n);
  std::vector<double> rank(n, 1.0 / dn), next(n);
  for (int iter = 0; iter < kMaxIterations; ++iter) {
    double dangling = 0;
    for (size_t i = 0; i < n; ++i) {
      if (out_sum[i] <= 0) dangling += rank[i];
    }
    for (size_t j = 0; j < n; ++j) {
      double in = 0;
      for (size_t i = 0; i < n; ++i) {
        if (i != j && out_sum[i] > 0) in += rank[i] * weights[i][j] / out_sum[i];
      }
      next[j] = (1 - kDamping) / dn + kDamping * (in + dangling / dn);
    }
    double change = 0;
    for (size_t i = 0; i < n; ++i) change += std::fabs(next[i] - rank[i]);
    rank.swap(next);
    if (change < kTolerance) break;
  }
  return rank;
}

std::vector<double> lex_rank(const std::vector<TermVector>& sentences) {
  const size_t n = sentences.size();
  TermVector df;
  for (const TermVector& s : sentences) {
    for (const auto& [term, count] : s) df[term] += 1;
  }
  std::vector<TermVector> tfidf(n);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [term, count] : sentences[i]) {
      tfidf[i][term] = count * std::log(1.0 + static_cast<double>(n) / df[term]);
    }
  }
  std::vector<std::vector<double>> sim(n, std::vector<double>(n, 0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) sim[i][j] = sim[j][i] = cosine(tfidf[i], tfidf[j]);
  }
  return page_rank(sim);
}

}  // namespace wfc::ai::text

// A thread-own DFA cache for the generated DSL parser (dsl_parse.h says why). The ATN
// itself (the grammar, deserialized once by the generated code) is read-only and stays shared;
// only the DFA built from it while parsing, and the prediction-context cache it points into,
// are per thread.
#include "compiler/syntax/dsl/dsl_parse.h"

#include <antlr4-runtime.h>

#include <vector>

#include "WorkflowParser.h"

namespace wfc::syntax {
namespace {

using antlr4::atn::ATN;
using antlr4::atn::PredictionContextCache;
using antlr4::dfa::DFA;
using antlr4::dfa::DFAState;

/// One empty DFA per decision of the ATN, as the generated code builds its shared one.
std::vector<DFA> fresh_dfa(const ATN& atn) {
  std::vector<DFA> dfa;
  dfa.reserve(atn.getNumberOfDecisions());
  for (size_t i = 0; i < atn.getNumberOfDecisions(); ++i) {
    dfa.emplace_back(atn.getDecisionState(i), i);
  }
  return dfa;
}

/// A DFA and its context cache that only this thread reads and writes.
struct ThreadDfa {
  explicit ThreadDfa(const ATN& atn) : dfa(fresh_dfa(atn)) {}
  std::vector<DFA> dfa;
  PredictionContextCache contexts;
};

/// Edge lookups without the runtime's global lock: the base class takes it because its DFA may
/// be shared; ours never is. Adding states and edges still goes through the base class (and its
/// lock), which happens only while the thread's cache warms up.
class ParserSimulator : public antlr4::atn::ParserATNSimulator {
 public:
  using ParserATNSimulator::ParserATNSimulator;

 protected:
  DFAState* getExistingTargetState(DFAState* previous, size_t t) override {
    auto it = previous->edges.find(t);
    return it == previous->edges.end() ? nullptr : it->second;
  }
};

ThreadDfa& parser_dfa(const ATN& atn) {
  thread_local ThreadDfa cache(atn);
  return cache;
}

}  // namespace

void use_thread_dfa(wfcdsl::WorkflowParser& parser) {
  ThreadDfa& cache = parser_dfa(parser.getATN());
  // setInterpreter deletes the simulator the generated constructor made; the generated
  // destructor deletes ours.
  parser.setInterpreter(new ParserSimulator(&parser, parser.getATN(), cache.dfa, cache.contexts));
}

}  // namespace wfc::syntax

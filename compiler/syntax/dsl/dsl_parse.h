// Puts the generated DSL parser on a DFA cache of the calling thread's own.
//
// Why: the generated recognizers share one process-wide DFA per decision, and the ANTLR 4.9 C++
// runtime guards every DFA edge lookup with one static reader/writer lock (a std::mutex taken and
// released twice, plus a condition-variable signal, for each step of each prediction). On two
// threads both cores fight over that lock's cache line and over the shared DFA states
// (docs/benchmarks.md has the profile). With a DFA of its own per thread no other thread ever
// writes to it, so reading an edge needs no lock at all.
//
// The DFA is only a memo of the grammar's ATN: which cache a recognizer uses never changes what
// it recognizes, so this is invisible except in speed. Each thread warms its own cache once (a
// handful of files), and the cache dies with the thread.
#pragma once

namespace wfcdsl {
class WorkflowParser;
}  // namespace wfcdsl

namespace wfc::syntax {

/// Replaces the parser's ATN simulator with one on this thread's DFA cache, whose edge lookups
/// take no lock. Call it right after construction, before parsing. (The lexer needs none: the
/// reader's is hand-written, dsl_lexer.h.)
void use_thread_dfa(wfcdsl::WorkflowParser& parser);

}  // namespace wfc::syntax

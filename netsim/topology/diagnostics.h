#pragma once
// Errors found in a topology file: where (file:line:column), which field (a path such as
// "subnets[2].cidr"), what is wrong and a hint. Loading collects all of them, not just the first.
#include <string>
#include <vector>

#include "netsim/model/model.h"

namespace netsim::topology {

struct Diagnostic {
  model::SourceLocation where;
  std::string path;     // field path, e.g. route_tables[1].routes[0].target
  std::string message;  // what is wrong
  std::string hint;     // how to fix it (may be empty)
  std::string format() const;
};

class Diagnostics {
 public:
  void add(model::SourceLocation where, std::string path, std::string message,
           std::string hint = {});
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::string format() const;  // one line per diagnostic, sorted by position

 private:
  std::vector<Diagnostic> items_;
};

// Closest candidate by edit distance, or "" when nothing is close enough to suggest.
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace netsim::topology

#pragma once
// Running Graphviz's `dot` on a DOT text (netsim graph, netsim report): no shell, argv only.
#include <optional>
#include <string>

#include "netsim/common/result.h"

namespace netsim::cli {

// The output format for a file name by its extension: "dot" (.dot, .gv), "svg" or "png";
// nullopt for anything else.
std::optional<std::string> graphFormatOf(const std::string& path);

bool haveGraphviz();

// `dot -T<format>` of `dot_text`: the rendered bytes, or why dot could not make them.
common::Result<std::string> renderDot(const std::string& dot_text, const std::string& format);

}  // namespace netsim::cli

#include "netsim/flowlog/reader.h"

#include <fstream>

namespace netsim::flowlog {

std::vector<const Stream*> selectStreams(const std::vector<Stream>& streams, const StreamFilter& f) {
  std::vector<const Stream*> out;
  for (const auto& s : streams) {
    if (!f.interface_id.empty() && s.eni.id != f.interface_id) continue;
    if (!f.node.empty() && s.eni.node != f.node) continue;
    if (!f.subnet.empty() && s.eni.subnet != f.subnet) continue;
    if (!f.flow_log.empty() && s.log->name != f.flow_log) continue;
    out.push_back(&s);
  }
  return out;
}

std::vector<ReadRecord> readStream(const Stream& stream, const std::string& directory, uint64_t& offset,
                                   const std::optional<Action>& action) {
  std::vector<ReadRecord> out;
  std::ifstream in(directory + "/" + stream.file, std::ios::binary);
  if (!in) return out;
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line still being written: read it next time
    offset += line.size() + 1;
    auto fields = parseRecordLine(line, stream.log->format);
    if (!fields) continue;
    if (action) {
      auto a = fields->find("action");
      if (a == fields->end() || a->second != actionName(*action)) continue;
    }
    out.push_back({&stream, std::move(*fields)});
  }
  return out;
}

}  // namespace netsim::flowlog

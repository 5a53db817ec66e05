#include "netsim/plan/cache_instances.h"

#include "netsim/plan/naming.h"

namespace netsim::plan {

std::optional<ProcessSpec> cacheProcess(const std::string& lab, const model::Instance& i) {
  if (i.role != model::InstanceRole::kCache || !i.command.empty()) return std::nullopt;
  ProcessSpec p;
  p.ns = namespaceName(lab, i.name);
  p.node = i.name;
  p.role = "cache";
  p.argv = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs", "--",
            "/usr/bin/redis-server", "--bind", i.private_ip.str(), "--port", std::to_string(kRedisPort),
            "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", labStateDir(lab),
            "--logfile", "", "--daemonize", "no"};
  p.ready_address = i.private_ip;
  p.ready_port = kRedisPort;
  return p;
}

}  // namespace netsim::plan

// `netsim demo-app`: the auto scaling demo's web application (netsim/workload/demo_app.h).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "netsim/workload/demo_app.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/naming.h"

namespace po = boost::program_options;

namespace netsim::cli {
Outcome runDemoApp(const Args& args) {
  VerbParser p("netsim demo-app [--port N] [--redis HOST:PORT] [--name NODE]",
               "A small web application for the auto scaling demo. Each client session (cookie\n"
               "demo-session) has a counter that every request increments and shows, with the\n"
               "instance that served it. Stateful by default (counters in this process's memory,\n"
               "lost when the instance goes); with --redis the counters live in Redis and survive\n"
               "any instance. GET /health answers 200; ?work_ms=N burns CPU, ?sleep_ms=N waits.\n"
               "Runs until SIGTERM. Auto scaling groups start it from their launch template.\n"
               "A Redis HOST is resolved with the lab's resolver: inside a lab node (NETSIM_LAB and\n"
               "NETSIM_NODE set, as `up` does) the nameserver of /etc/netns/<ns>/resolv.conf is asked.\n"
               "A Redis that does not answer within --redis-timeout gives 503 answers.",
               "netsim demo-app --port 8080 --redis cache:6379");
  p.options()("port", po::value<uint16_t>()->default_value(8080), "TCP port")(
      "redis", po::value<std::string>()->default_value(""), "Redis HOST:PORT for the stateless mode")(
      "name", po::value<std::string>()->default_value(""), "instance name shown in answers (default: $NETSIM_NODE)")(
      "redis-timeout", po::value<int>()->default_value(200), "Redis connect and command timeout, milliseconds")(
      "resolv-conf", po::value<std::string>()->default_value(""),
      "resolv.conf whose nameserver resolves the Redis host (default: the lab node's, else /etc/resolv.conf)");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  workload::DemoAppConfig c;
  c.port = (*vm)["port"].as<uint16_t>();
  c.redis = (*vm)["redis"].as<std::string>();
  c.node = (*vm)["name"].as<std::string>();
  const int timeout = (*vm)["redis-timeout"].as<int>();
  if (timeout <= 0 || timeout > 60000) {
    std::cerr << "netsim demo-app: --redis-timeout must be 1 to 60000 ms\n";
    return Outcome::kBadInput;
  }
  c.redis_timeout = std::chrono::milliseconds(timeout);
  c.resolv_conf = (*vm)["resolv-conf"].as<std::string>();
  if (c.resolv_conf.empty()) {
    // `up` starts lab programs in the node's network namespace only; the node's resolv.conf is
    // where `ip netns exec` would have bind-mounted it.
    const char* lab = std::getenv("NETSIM_LAB");
    const char* node = std::getenv("NETSIM_NODE");
    const std::string own = lab && node ? "/etc/netns/" + plan::namespaceName(lab, node) + "/resolv.conf" : "";
    c.resolv_conf = !own.empty() && std::filesystem::exists(own) ? own : "/etc/resolv.conf";
  }
  if (c.node.empty()) {
    const char* env = std::getenv("NETSIM_NODE");
    c.node = env ? env : "demo-app";
  }
  auto st = workload::runDemoApp(c, stopOnSignals());
  if (!st) return reportError("demo-app", st.error(), Asked::kSystemChange);
  return Outcome::kOk;
}

}  // namespace netsim::cli

// `netsim demo-app`: the auto scaling demo's web application (netsim/appliance/demo_app.h).
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "netsim/appliance/demo_app.h"
#include "netsim/cli/verb.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {
std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }
}  // namespace

int runDemoApp(const Args& args) {
  VerbParser p("netsim demo-app [--port N] [--redis HOST:PORT] [--name NODE]",
               "A small web application for the auto scaling demo. Each client session (cookie\n"
               "demo-session) has a counter that every request increments and shows, with the\n"
               "instance that served it. Stateful by default (counters in this process's memory,\n"
               "lost when the instance goes); with --redis the counters live in Redis and survive\n"
               "any instance. GET /health answers 200; ?work_ms=N burns CPU, ?sleep_ms=N waits.\n"
               "Runs until SIGTERM. Auto scaling groups start it from their launch template.",
               "netsim demo-app --port 8080 --redis cache:6379");
  p.options()("port", po::value<uint16_t>()->default_value(8080), "TCP port")(
      "redis", po::value<std::string>()->default_value(""), "Redis HOST:PORT for the stateless mode")(
      "name", po::value<std::string>()->default_value(""), "instance name shown in answers (default: $NETSIM_NODE)");
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  appliance::DemoAppConfig c;
  c.port = (*vm)["port"].as<uint16_t>();
  c.redis = (*vm)["redis"].as<std::string>();
  c.node = (*vm)["name"].as<std::string>();
  if (c.node.empty()) {
    const char* env = std::getenv("NETSIM_NODE");
    c.node = env ? env : "demo-app";
  }
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  auto st = appliance::runDemoApp(c, g_stop);
  if (!st) {
    std::cerr << "netsim demo-app: " << st.error().message << "\n";
    return st.error().code == common::ErrorCode::kInvalidArgument ? kExitBadInput : kExitSystem;
  }
  return kExitOk;
}

}  // namespace netsim::cli

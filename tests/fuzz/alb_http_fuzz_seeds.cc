// Writes the seed corpus of alb_http_fuzz into DIR: requests as curl, wrk and browsers send them
// to the ALB of topologies/load-balancers.yaml (paths of its listener rules, Host headers with
// and without a port, keep-alive pipelines, bodies by length and chunked), some with a genuine
// AWSALB cookie made with the harness's secret, an expired one and a forged one. Each file starts
// with the byte that picks the read size.
//   alb_http_fuzz_seeds DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "alb_http_fuzz.h"
#include "netsim/proxy/sticky_cookie.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: alb_http_fuzz_seeds DIR\n");
    return 2;
  }
  using netsim::fuzz::kAlbCookieSecret;
  using netsim::fuzz::kAlbNowUnix;
  const std::string host = "web-alb-1234567890.us-east-1.elb.amazonaws.com";
  const std::string good = netsim::proxy::encodeStickyCookie("10.0.10.4:8080", kAlbNowUnix + 86400, kAlbCookieSecret);
  const std::string expired = netsim::proxy::encodeStickyCookie("10.0.11.4:8080", kAlbNowUnix - 1, kAlbCookieSecret);
  const std::string forged = netsim::proxy::encodeStickyCookie("10.0.10.4:8080", kAlbNowUnix + 86400, 1);
  const std::string curl = "User-Agent: curl/7.88.1\r\nAccept: */*\r\n";
  const std::vector<std::string> requests = {
      "GET / HTTP/1.1\r\nHost: " + host + "\r\n" + curl + "\r\n",
      "GET /api/users?id=7 HTTP/1.1\r\nHost: " + host + ":80\r\n" + curl + "\r\n",
      "GET /sticky/page HTTP/1.1\r\nHost: " + host + "\r\n" + curl + "Cookie: AWSALB=" + good + "\r\n\r\n",
      "GET /sticky/page HTTP/1.1\r\nHost: " + host + "\r\n" + curl + "Cookie: a=1; AWSALB=" + expired + "; b=2\r\n\r\n",
      "GET /sticky/page HTTP/1.1\r\nHost: " + host + "\r\n" + curl + "Cookie: AWSALB=" + forged + "\r\n\r\n",
      "GET /img/logo.png HTTP/1.1\r\nHost: alb-1.example.com\r\nCookie: AWSELB=" + good + "\r\n\r\n",
      "GET /v1/items HTTP/1.1\r\nHost: API.example.com:8443\r\n\r\n",
      "POST /api/orders HTTP/1.1\r\nHost: " + host + "\r\n" + curl +
          "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"qty\": 1234}",
      "POST /upload HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
      // wrk: keep-alive, pipelined on one connection, then a close
      "GET / HTTP/1.1\r\nHost: 203.0.113.30\r\n\r\nGET /api/a HTTP/1.1\r\nHost: 203.0.113.30\r\n\r\n"
      "GET /sticky/b HTTP/1.1\r\nHost: 203.0.113.30\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n",
      "HEAD /health HTTP/1.1\r\nHost: 10.0.0.100\r\nX-Forwarded-For: 192.0.2.1\r\nConnection: keep-alive\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
      "GET http://" + host + "/api/x HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
  };
  int n = 0;
  for (const auto& r : requests) {
    for (char chunk : {'\x20', '\x00', '\x06'}) {  // all at once, one byte, seven bytes per read
      std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++), std::ios::binary) << chunk << r;
    }
  }
  std::printf("alb_http_fuzz_seeds: %d files in %s\n", n, argv[1]);
  return 0;
}

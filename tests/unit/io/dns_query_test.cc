// The tiny DNS client's packets (io/dns_query.h): the query bytes and answer parsing.
#include "netsim/io/dns_query.h"

#include <gtest/gtest.h>

#include <fstream>

namespace netsim::io {
namespace {

using common::ErrorCode;

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

TEST(DnsQueryTest, BuildsAnAQueryWithRecursionDesired) {
  auto q = buildAQuery(0x1234, "cache.lab.");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, bytes({0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'c', 'a', 'c', 'h', 'e', 3, 'l', 'a', 'b', 0,
                       0, 1, 0, 1}));
  EXPECT_FALSE(buildAQuery(1, "").ok());
  EXPECT_FALSE(buildAQuery(1, "a..b").ok());
  EXPECT_FALSE(buildAQuery(1, std::string(64, 'x')).ok());
}

// A response to buildAQuery(0x1234, "cache"): a CNAME-like other record, then two A records
// whose names are compressed pointers to the question.
std::string answer(int flags_lo, int ancount) {
  std::string p = bytes({0x12, 0x34, 0x81, flags_lo, 0, 1, 0, ancount, 0, 0, 0, 0, 5, 'c', 'a', 'c', 'h', 'e', 0, 0, 1, 0, 1});
  if (ancount >= 1) p += bytes({0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 5, 0, 2, 1, 'x'});        // TXT, skipped
  if (ancount >= 2) p += bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 11, 50});  // A 10.0.11.50
  if (ancount >= 3) p += bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 10, 7});   // A 10.0.10.7
  return p;
}

// AAAA (DNS64): the query asks type 28; the answer's AAAA records are read, A records skipped.
TEST(DnsQueryTest, BuildsAnAaaaQueryAndParsesAaaaRecords) {
  auto q = buildQuery(0x1234, "cache", 28);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->substr(q->size() - 4), bytes({0, 28, 0, 1}));
  std::string p = bytes({0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 5, 'c', 'a', 'c', 'h', 'e', 0, 0, 28, 0, 1});
  p += bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 11, 50});  // an A record: skipped
  p += bytes({0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 5, 0, 16,                 // 64:ff9b::c633:641e
              0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x33, 0x64, 0x1e});
  auto a = parseAaaaAnswer(p, 0x1234);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].str(), "64:ff9b::c633:641e");
  EXPECT_EQ(parseAaaaAnswer(answer(0x80, 3), 0x1234).error().code, ErrorCode::kNotFound);  // A only
  EXPECT_FALSE(parseAaaaAnswer(p, 0x9999).ok());
}

TEST(DnsQueryTest, ParsesARecordsAndSkipsOthers) {
  auto a = parseAAnswer(answer(0x80, 3), 0x1234);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].str(), "10.0.11.50");
  EXPECT_EQ((*a)[1].str(), "10.0.10.7");
}

TEST(DnsQueryTest, TheAnswersTtlIsTheSmallestOfItsARecords) {
  auto a = parseARecords(answer(0x80, 3), 0x1234);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->addresses.size(), 2u);
  EXPECT_EQ(a->ttl_s, 5u);
  // Give the second A record a TTL of 60 and the first 1: the answer may be kept 1 s. The TXT
  // record's TTL does not count.
  auto p = answer(0x80, 3);
  const size_t first_a = 23 + 14, second_a = first_a + 16;
  p[first_a + 9] = 1;
  p[second_a + 9] = 60;
  p[23 + 9] = 0;  // TXT
  auto b = parseARecords(p, 0x1234);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ttl_s, 1u);
  // A TTL with its top bit set counts as 0 (RFC 2181, 8).
  p[second_a + 6] = static_cast<char>(0x80);
  auto c = parseARecords(p, 0x1234);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ttl_s, 0u);
  p = answer(0x80, 3);
  p[second_a + 8] = 0x01;  // 256 + 5 s
  auto d = parseARecords(p, 0x1234);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ttl_s, 5u);
}

TEST(DnsQueryTest, RejectsWrongIdNxdomainEmptyAndTruncatedAnswers) {
  EXPECT_FALSE(parseAAnswer(answer(0x80, 3), 0x4321).ok());
  auto nx = parseAAnswer(answer(0x83, 0), 0x1234);
  ASSERT_FALSE(nx.ok());
  EXPECT_EQ(nx.error().code, ErrorCode::kNotFound);
  auto none = parseAAnswer(answer(0x80, 1), 0x1234);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  const auto full = answer(0x80, 3);
  for (size_t cut = 0; cut < full.size(); ++cut) {
    EXPECT_FALSE(parseAAnswer(std::string_view(full).substr(0, cut), 0x1234).ok()) << "cut at " << cut;
  }
}

TEST(DnsQueryTest, ReadsTheFirstIpv4NameserverAndResolvesLiteralsWithoutOne) {
  const std::string path = ::testing::TempDir() + "/dns_query_test_resolv.conf";
  {
    std::ofstream out(path);
    out << "# lab\nsearch lab\nnameserver fe80::1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n";
  }
  auto ns = nameserverFrom(path);
  ASSERT_TRUE(ns.has_value());
  EXPECT_EQ(ns->str(), "10.0.0.2");
  EXPECT_FALSE(nameserverFrom(path + ".missing").has_value());
  auto lit = resolveHost("10.0.11.50", path + ".missing", std::chrono::milliseconds(10));
  ASSERT_TRUE(lit.ok());
  EXPECT_EQ(lit->front().str(), "10.0.11.50");
  auto name = resolveHost("cache", path + ".missing", std::chrono::milliseconds(10));
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace netsim::io

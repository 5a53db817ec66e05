#pragma once
// The AWS CLI importer's reader (internal to netsim/import): each described object becomes the
// Terraform-shaped resource TfMapper maps (awscli_import.cc: files, lines, the dispatch;
// awscli_kinds.cc: one function per kind of object).
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "netsim/import/network.h"
#include "netsim/import/options.h"
#include "netsim/import/tf_source.h"

namespace netsim::import::awscli {

using nlohmann::json;

int lineAt(const std::string& text, size_t pos);
// The line of `"key": "value"` in `text`, looked for from `from` first (the kind's own list).
int lineOfField(const std::string& text, size_t from, const std::string& key,
                const std::string& value);
// A string (or integer) field; "" when absent.
std::string s(const nlohmann::json& j, const char* key);
// A list field; [] when absent.
nlohmann::json list(const nlohmann::json& j, const char* key);
// The values of `field` of each object of list `key` ("Groups": [{"GroupId": ...}]).
nlohmann::json ids(const nlohmann::json& j, const char* key, const char* field);
// The value of the Name tag; "" when none.
std::string nameTag(const nlohmann::json& j);
// The transit gateway route table a routes or propagations output is of: its
// "TransitGatewayRouteTableId" field, else a tgw-rtb-... id in the file's name; "" when neither.
std::string tableOfFile(const nlohmann::json& root, const std::string& path);

struct Item {
  std::string kind;
  json obj;
  size_t file = 0;
  size_t base = 0;  // offset of the kind's key in the file
};

class Reader {
 public:
  Reader(const std::vector<std::pair<std::string, std::string>>& files, TfSource& src, Network& net,
         std::vector<SourceError>& errors)
      : files_(files), src_(src), net_(net), errors_(errors) {}

  bool read();
  void build();
  void finishBlackholes();

 private:
  TfResource* add(const Item& it, const char* type, const std::string& id, const char* id_key,
                  json attrs);
  void vpc(const Item& it);
  void routeTable(const Item& it);
  void securityGroup(const Item& it);
  void acl(const Item& it);
  void instance(const Item& it, const json& inst);
  void loadBalancing(const Item& it);
  json rules(const json& perms);
  void subnet(const Item& it);
  void internetGateway(const Item& it);
  void egressOnlyGateway(const Item& it);
  void address(const Item& it);
  void natGateway(const Item& it);
  void endpoint(const Item& it);
  void reservation(const Item& it);
  void peering(const Item& it);
  void targetHealth(const Item& it);
  void flowLog(const Item& it);
  void transitGateway(const Item& it);
  // search-transit-gateway-routes and get-transit-gateway-route-table-propagations output.
  void tgwTableContents(const Item& it);
  void findRegion();
  void tgwAssociations();

  const std::vector<std::pair<std::string, std::string>>& files_;
  TfSource& src_;
  Network& net_;
  std::vector<SourceError>& errors_;
  std::vector<Item> items_;
  std::set<std::string> kinds_;
  std::map<std::string, json> vpc_defaults_;  // vpc id -> its default_* ids
  struct Blackhole {
    std::string table, destination;
    Origin origin;
  };
  std::vector<Blackhole> blackholes_;
  std::set<std::string> eips_;  // allocation ids of describe-addresses
  std::map<std::string, std::string> default_tables_;  // tgw id -> its default association table
  // attachment id -> (tgw id, associated table) of describe-transit-gateway-attachments
  std::map<std::string, std::pair<std::string, std::string>> attachment_tables_;
  // Tables whose propagations the outputs give (so none is assumed), and those propagations
  // as (table, attachment).
  std::set<std::string> tables_with_propagations_;
  std::set<std::pair<std::string, std::string>> propagations_;
};

}  // namespace netsim::import::awscli

#pragma once
// The AWS CLI importer: the JSON that `aws ec2 describe-*` and `aws elbv2 describe-*` print, one
// output per file or several merged in one object, kinds found by their top-level key (Vpcs,
// Subnets, RouteTables, ...). Every id is known, as in a Terraform state: each described object
// becomes the Terraform resource it stands for (attributes under Terraform's names, the AWS id as
// its address, the Name tag as its name) and TfMapper maps them, so links, names, implicit
// defaults and errors work as for a state. Origins name the AWS id and the file:line of its id.
#include <string>
#include <utility>
#include <vector>

#include "netsim/import/network.h"
#include "netsim/import/options.h"

namespace netsim::import {

// `files`: (path, text) pairs. The region comes from the AZs (or ARNs) of the source.
void importAwsCli(const std::vector<std::pair<std::string, std::string>>& files, Network& net,
                  std::vector<SourceError>& errors);

// The top-level keys of AWS CLI outputs this importer reads.
bool isAwsCliKey(const std::string& key);

}  // namespace netsim::import

#!/usr/bin/env bash
# Exit codes of every verb and helper program, as documented (`netsim --help`, README,
# docs/packaging.md): 0 ok; 1 a check failed, a path is blocked, a lab is degraded; 2 bad input
# (command line, topology file, a lab or node that does not exist); 3 the system refused.
# Needs no root and no lab: every case either fails before touching the system or names a lab
# that does not exist (so it behaves the same for root and for other users).
#   exit_codes_test.sh BIN_DIR TOPOLOGIES_DIR
set -u
bin="${1:?usage: exit_codes_test.sh BIN_DIR TOPOLOGIES_DIR}"
topologies="${2:?usage: exit_codes_test.sh BIN_DIR TOPOLOGIES_DIR}"
netsim="$bin/netsim"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
nolab="exitcodes-nosuch"  # never `up`: a lab that does not exist
passed=0
failed=0

# expect CODE COMMAND...: runs COMMAND (stdin from /dev/null) and compares its exit code.
expect() {
  local want="$1"; shift
  timeout 20 "$@" </dev/null >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" -eq "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: exit $got, want $want: ${*#"$bin/"}"
    sed 's/^/    /' "$tmp/out" | head -5
  fi
}

# Topology files that are wrong in different ways.
printf 'name: [unclosed\n' >"$tmp/syntax.yaml"
sed 's#cidr: 10.0.0.0/16#cidr: 10.0.0.0/33#' "$topologies/default.yaml" >"$tmp/invalid.yaml"
sed '/^expect:/,$d' "$topologies/default.yaml" >"$tmp/no-expect.yaml"
missing="$tmp/missing.yaml"
default="$topologies/default.yaml"

# main: help, version, unknown verbs.
expect 0 "$netsim" --help
expect 0 "$netsim" help
expect 0 "$netsim" --version
expect 2 "$netsim"
expect 2 "$netsim" no-such-verb

# Every verb: --help is 0, an unknown option is 2.
for v in validate import path plan graph up down status check trace capture exec shell ssh stats lb targets \
         fail recover asg demo-app probe report appliance asg-controller; do
  expect 0 "$netsim" "$v" --help
  expect 2 "$netsim" "$v" --no-such-option
done

# import (CloudFormation, Terraform, AWS CLI JSON: files or a directory; an empty state or an AWS
# CLI output without a VPC has nothing to build; a subnet of an unknown VPC is an error)
printf 'Resources:\n  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.0/24}}\n' >"$tmp/cfn.yaml"
printf 'Resources:\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Nope, CidrBlock: 10.0.0.0/24}}\n  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n' >"$tmp/cfn-broken.yaml"
printf '{"version": 4, "terraform_version": "1.9.5", "resources": []}\n' >"$tmp/state.tfstate"
expect 0 "$netsim" import "$tmp/cfn.yaml" --probes --expect auto
expect 0 "$netsim" validate "$tmp/cfn.yaml"
expect 2 "$netsim" import "$tmp/cfn-broken.yaml"
expect 2 "$netsim" import "$tmp/state.tfstate"
printf '{"version": 4, "terraform_version": "1.9.5", "resources": [{"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}}]}, {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {"id": "subnet-1", "vpc_id": "VPC", "cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1a"}}]}]}\n' >"$tmp/tf.tfstate"
sed 's/"VPC"/"vpc-1"/' "$tmp/tf.tfstate" >"$tmp/tf-ok.tfstate"
printf '{"Vpcs": []}\n' >"$tmp/vpcs.json"
expect 0 "$netsim" import "$tmp/tf-ok.tfstate" --probes --expect auto
expect 0 "$netsim" validate "$tmp/tf-ok.tfstate"
expect 2 "$netsim" import "$tmp/tf.tfstate"
expect 2 "$netsim" import "$tmp/vpcs.json"
mkdir -p "$tmp/awscli"
printf '{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}\n' >"$tmp/awscli/vpcs.json"
printf '{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"}]}\n' >"$tmp/awscli/subnets.json"
expect 0 "$netsim" import "$tmp/awscli" --probes --expect auto
expect 0 "$netsim" import "$tmp/awscli/vpcs.json" "$tmp/awscli/subnets.json"
expect 0 "$netsim" validate "$tmp/awscli"
sed 's/"vpc-1"/"vpc-2"/' "$tmp/awscli/subnets.json" >"$tmp/subnets-broken.json"
expect 2 "$netsim" import "$tmp/awscli/vpcs.json" "$tmp/subnets-broken.json"
expect 2 "$netsim" import "$tmp/awscli/vpcs.json" "$tmp/cfn.yaml"
expect 2 "$netsim" import "$tmp/cfn.yaml" --expect sometimes
expect 2 "$netsim" import "$missing"
expect 2 "$netsim" import

# validate
expect 0 "$netsim" validate
expect 0 "$netsim" validate "$default" --json
expect 2 "$netsim" validate "$missing"
expect 2 "$netsim" validate "$tmp/syntax.yaml"
expect 2 "$netsim" validate "$tmp/invalid.yaml" --json
expect 2 "$netsim" validate a.yaml b.yaml

# path: 0 reachable, 1 blocked, 2 bad input.
expect 0 "$netsim" path app-a client --proto tcp --port 80
expect 0 "$netsim" path "$default" app-a client --proto icmp
expect 1 "$netsim" path client app-a --proto tcp --port 22
expect 2 "$netsim" path app-a
expect 2 "$netsim" path a b c d
expect 2 "$netsim" path nosuch client
expect 2 "$netsim" path app-a client --proto sctp
expect 2 "$netsim" path app-a client --proto tcp --port 70000
expect 2 "$netsim" path app-a client --port eighty
expect 2 "$netsim" path "$missing" app-a client
expect 2 "$netsim" path "$tmp/invalid.yaml" app-a client

# plan, graph
expect 0 "$netsim" plan --json
expect 2 "$netsim" plan "$missing"
expect 2 "$netsim" plan "$tmp/invalid.yaml"
expect 0 "$netsim" graph
expect 0 "$netsim" graph "$default" -o "$tmp/default.dot"
expect 2 "$netsim" graph "$tmp/syntax.yaml"
expect 3 "$netsim" graph -o "$tmp/no/such/dir/default.dot"
expect 2 "$netsim" graph -o "$tmp/default.jpeg"   # the format follows the extension: .dot .gv .svg .png
# report: a lab name and -o are required; a lab that does not run needs --file
expect 2 "$netsim" report
expect 2 "$netsim" report default
expect 2 "$netsim" report "Bad_Lab" -o "$tmp/r.html"
expect 2 "$netsim" report no-such-lab-here -o "$tmp/r.html"
expect 0 "$netsim" report no-such-lab-here --file "$default" -o "$tmp/r.html"   # says what is missing
grep -q "is not running" "$tmp/r.html" || { failed=$((failed + 1)); echo "FAIL: report names the missing lab"; }
if [ -x /usr/bin/dot ]; then
  # A name a shell would have split or expanded: dot gets it as one argument.
  expect 0 "$netsim" graph -o "$tmp/it's \$HOME; a.svg"
  [ -s "$tmp/it's \$HOME; a.svg" ] || { failed=$((failed + 1)); echo "FAIL: graph -o wrote no SVG"; }
  expect 3 "$netsim" graph -o "$tmp/no/such/dir/default.svg"
fi

# up, down, status (bad input is found before root or the kernel is asked)
expect 2 "$netsim" up "$missing"
expect 2 "$netsim" up "$tmp/invalid.yaml"
expect 2 "$netsim" up --lab 'bad/name'
expect 2 "$netsim" down
expect 2 "$netsim" down 'bad/name'
expect 2 "$netsim" status "$nolab"
expect 2 "$netsim" status 'bad/name'

# check
expect 0 "$netsim" check --predict-only
expect 0 "$netsim" check --predict-only --file "$default"
expect 2 "$netsim" check --predict-only --file "$missing"
expect 2 "$netsim" check --predict-only --file "$tmp/no-expect.yaml"
expect 2 "$netsim" check "$nolab"
expect 2 "$netsim" check a b

# trace, capture (the flow arguments)
expect 2 "$netsim" trace "$nolab" app-a
expect 2 "$netsim" trace "$nolab" app-a client
expect 2 "$netsim" trace "$nolab" app-a client --file "$missing"
expect 2 "$netsim" trace "$nolab" app-a client --proto sctp
expect 2 "$netsim" trace "$nolab" app-a client --proto tcp --port -1
expect 2 "$netsim" trace "$nolab" app-a client --timeout 0
expect 2 "$netsim" trace "$nolab" nosuch client --file "$default"
expect 2 "$netsim" trace 'bad/name' app-a client --file "$default"  # 3 before the one error rule
expect 2 "$netsim" capture "$nolab"
expect 2 "$netsim" capture "$nolab" app-a
expect 2 "$netsim" capture "$nolab" nosuch --file "$default" --list
expect 0 "$netsim" capture "$nolab" app-a --file "$default" --list

# exec, shell, ssh
expect 2 "$netsim" exec "$nolab" app-a
expect 2 "$netsim" exec "$nolab" app-a -- true
expect 2 "$netsim" exec 'bad/name' app-a -- true
expect 2 "$netsim" shell "$nolab"
expect 2 "$netsim" shell "$nolab" app-a
expect 2 "$netsim" ssh "$nolab"
expect 2 "$netsim" ssh "$nolab" app-a -- true
expect 2 "$netsim" ssh 'bad/name' app-a

# stats, lb, targets, asg: a lab that does not run has no daemon to answer (3) or no topology (2)
expect 2 "$netsim" stats "$nolab"
expect 2 "$netsim" stats 'bad/name' nat-a
expect 2 "$netsim" stats "$nolab" 'bad/node'
expect 3 "$netsim" stats "$nolab" nat-a
expect 2 "$netsim" lb
expect 2 "$netsim" lb "$nolab"
expect 2 "$netsim" lb 'bad/name'
expect 2 "$netsim" targets "$nolab"
expect 2 "$netsim" targets "$nolab" web-tg
expect 2 "$netsim" asg
expect 2 "$netsim" asg 'bad/name'
expect 3 "$netsim" asg "$nolab"
expect 2 "$netsim" asg set-desired "$nolab" web
expect 2 "$netsim" asg set-desired "$nolab" web many
expect 3 "$netsim" asg set-desired "$nolab" web 2

# fail, recover
expect 2 "$netsim" fail "$nolab" az
expect 2 "$netsim" fail 'bad/name' az b
expect 2 "$netsim" fail "$nolab" disk b
expect 2 "$netsim" fail "$nolab" az b --loss 5%
expect 2 "$netsim" fail "$nolab" link app-a --kill
expect 2 "$netsim" fail "$nolab" az b
expect 2 "$netsim" recover
expect 2 "$netsim" recover 'bad/name'
expect 2 "$netsim" recover "$nolab" az
expect 2 "$netsim" recover "$nolab" disk b
expect 2 "$netsim" recover "$nolab" az b --all
expect 2 "$netsim" recover "$nolab" az b

# probe, demo-app
expect 2 "$netsim" probe "$nolab" client
expect 2 "$netsim" probe "$nolab" client http://web-alb/ --rate 0
expect 2 "$netsim" probe "$nolab" client http://web-alb/ --min-success 101
expect 2 "$netsim" probe "$nolab" client gopher://web-alb/
expect 2 "$netsim" probe 'bad/name' client http://web-alb/
expect 2 "$netsim" probe "$nolab" client http://web-alb/
expect 2 "$netsim" demo-app --redis-timeout 0
expect 2 "$netsim" demo-app --port 70000

# the hidden verbs `up` starts
expect 2 "$netsim" appliance
expect 2 "$netsim" appliance --node n --role router --if eth0=10.0.0.1/24
expect 2 "$netsim" appliance --node n --role nat-gateway --if eth0
expect 2 "$netsim" asg-controller

# helper programs
expect 0 "$bin/netsim-forwarder" --help
expect 2 "$bin/netsim-forwarder"
expect 2 "$bin/netsim-forwarder" --forward 2222
expect 2 "$bin/netsim-forwarder" --forward 2222=10.0.0.1:22 --allow 2222
expect 2 "$bin/netsim-forwarder" --forward 2222=10.0.0.1:22 --listen-address nowhere
expect 2 "$bin/netsim-forwarder" --forward 2222=10.0.0.1:22 stray
expect 0 "$bin/netsim-lb" --help
expect 2 "$bin/netsim-lb"
expect 2 "$bin/netsim-lb" --config "$missing"
expect 2 "$bin/netsim-lb" --config "$default"
expect 2 "$bin/netsim-lb" --config
expect 0 "$bin/netsim-responder" --help
expect 2 "$bin/netsim-responder"
expect 2 "$bin/netsim-responder" --tcp 80
expect 2 "$bin/netsim-responder" --node n --tcp 80,x
expect 2 "$bin/netsim-responder" --node n --udp 0
expect 2 "$bin/netsim-responder" --node n --bogus 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

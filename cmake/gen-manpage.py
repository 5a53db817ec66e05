#!/usr/bin/env python3
"""Generates netsim(1) in roff from the built binary's help text.

    gen-manpage.py NETSIM_BINARY OUT.1

Reads `netsim --version`, `netsim --help` (description, verb list, exit codes) and
`netsim VERB --help` for every listed verb (usage, description, options, example). Fails when a
verb's help has no example, so the man page and the CLI cannot drift apart.
"""
import re
import subprocess
import sys


def run(binary, *args):
    res = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)
    if res.returncode != 0:
        sys.exit(f"gen-manpage: `netsim {' '.join(args)}` exited {res.returncode}: {res.stderr}")
    return res.stdout


def esc(text):
    """Escapes plain text for roff: backslashes, hyphens, and control characters at line start."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line[:1] in (".", "'") else line
                     for line in text.split("\n"))


def section(text, title):
    """The lines after a line that is exactly `title`, up to the next blank line."""
    lines = text.split("\n")
    try:
        start = lines.index(title) + 1
    except ValueError:
        return []
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        out.append(line)
    return out


def parse_verb_help(verb, text):
    """Splits a VerbParser help text: usage, description, options block, example lines."""
    m = re.match(r"usage: (.*?)\n\n(.*?)\n\n(Options:\n.*?)\nExample:\n(.*)", text, re.S)
    if not m:
        sys.exit(f"gen-manpage: `netsim {verb} --help` is not usage/description/options/example")
    usage, desc, opts, example = m.groups()
    example = [line.strip() for line in example.rstrip("\n").split("\n") if line.strip()]
    if not example:
        sys.exit(f"gen-manpage: `netsim {verb} --help` has no example")
    opt_lines = [line for line in opts.rstrip("\n").split("\n")[1:]]
    return usage.strip(), desc.strip(), opt_lines, example


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, out_path = sys.argv[1], sys.argv[2]
    version = run(binary, "--version").strip()            # "netsim 0.1.0"
    top = run(binary, "--help")
    paragraphs = top.split("\n\n")
    description = paragraphs[1] if len(paragraphs) > 1 else ""
    verbs = []
    for line in section(top, "Verbs:"):
        m = re.match(r"\s+(\S+)\s+(.*)", line)
        if m:
            verbs.append(m.groups())
    if not verbs:
        sys.exit("gen-manpage: no verbs found in `netsim --help`")
    exit_text = next((p for p in paragraphs if p.startswith("Exit codes:")), "")
    exit_codes = []
    for item in " ".join(exit_text[len("Exit codes:"):].split()).split(";"):
        m = re.match(r"\s*(\d+)\s+(.*?)\.?\s*$", item)
        if m:
            exit_codes.append(m.groups())
    if not exit_codes:
        sys.exit("gen-manpage: no exit codes found in `netsim --help`")

    r = []
    r.append(f'.TH NETSIM 1 "" "{esc(version)}" "User Commands"')
    r.append(".SH NAME")
    r.append("netsim \\- emulate AWS VPC networking on one Linux machine with real packets")
    r.append(".SH SYNOPSIS")
    r.append(".B netsim")
    r.append("[\\fB\\-v\\fR] \\fIVERB\\fR [\\fIARGS\\fR...]")
    r.append(".br")
    r.append(".B netsim")
    r.append("\\fIVERB\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR")
    r.append(".SH DESCRIPTION")
    r.append(esc(" ".join(description.split())))
    r.append(".PP")
    r.append("A topology is a YAML file describing a VPC: availability zones, public and private "
             "subnets, route tables, an internet gateway, NAT gateways and NAT instances, a bastion, "
             "VPC endpoints, load balancers, auto scaling groups and an internet of hosts. "
             "\\fBnetsim up\\fR builds it as network namespaces (named "
             "\\fInsim.LAB.NODE\\fR, so \\fBip netns exec\\fR works too); "
             "\\fBnetsim check\\fR proves with real probes that packets take the paths the route "
             "tables predict.")
    r.append(".PP")
    r.append("Option \\fB\\-v\\fR (\\fB\\-\\-verbose\\fR) before the verb turns on debug logging.")
    r.append(".SH VERBS")
    for name, summary in verbs:
        usage, desc, opts, example = parse_verb_help(name, run(binary, name, "--help"))
        r.append(f".SS {esc(name)}")
        r.append(".PP")
        r.append(f"\\fB{esc(usage)}\\fR")
        r.append(".PP")
        r.append(esc(" ".join(desc.split())))
        r.append(".PP")
        r.append("Options:")
        r.append(".RS 2")
        r.append(".nf")
        r.extend(esc(line[2:].rstrip() if line.startswith("  ") else line.rstrip()) for line in opts)
        r.append(".fi")
        r.append(".RE")
        r.append(".PP")
        r.append("Example:")
        r.append(".RS 2")
        r.append(".nf")
        r.extend(esc(line) for line in example)
        r.append(".fi")
        r.append(".RE")
    r.append(".SH EXIT STATUS")
    for code, meaning in exit_codes:
        r.append(".TP")
        r.append(f".B {code}")
        r.append(esc(meaning) + ".")
    r.append(".SH FILES")
    r.append(".TP")
    r.append(".I /run/netsim/LAB/")
    r.append("State of a running lab: the state file, the topology copy and process logs.")
    r.append(".TP")
    r.append(".I /usr/share/netsim/topologies/")
    r.append("Example topologies; \\fBdefault.yaml\\fR is also built into the binary and used "
             "when a verb gets no topology file.")
    r.append(".TP")
    r.append(".I /usr/share/doc/netsim/")
    r.append("README and the documentation, including \\fBtopology.md\\fR, the topology format.")
    r.append(".SH EXAMPLES")
    r.append(".nf")
    for line in ["netsim validate /usr/share/netsim/topologies/single-nat.yaml",
                 "netsim path app-a client --proto tcp --port 80",
                 "sudo netsim up",
                 "sudo netsim check default",
                 "sudo netsim exec default app-a -- ping -c1 198.51.100.10",
                 "sudo netsim down default"]:
        r.append(esc(line))
    r.append(".fi")
    r.append(".SH SEE ALSO")
    r.append(".BR ip-netns (8),")
    r.append(".BR nft (8),")
    r.append(".BR tcpdump (8)")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(r) + "\n")


if __name__ == "__main__":
    main()

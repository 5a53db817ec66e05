#!/usr/bin/env python3
"""netsim graph rendered by the real Graphviz for every shipped topology (issue #17): the SVG's
text has no backslash (the old writer drew a literal "\\n" in every label), every object the
topology file names is drawn (IPv6: the egress-only gateway, hosts' IPv6 addresses, IPv6
routes), -o x.png writes a PNG, and an unknown extension is refused.

  graph_render_test.py NETSIM TOPOLOGIES_DIR      (exit 77 = skipped: no Graphviz)
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml

SVG = "{http://www.w3.org/2000/svg}"


def expected_names(doc):
    """Names the picture must show: from the YAML itself, not from netsim's model."""
    names = []
    for key in ("instances", "nat_gateways", "endpoints", "auto_scaling_groups", "target_groups"):
        names += [x["name"] for x in doc.get(key) or []]
    for lb in doc.get("load_balancers") or []:
        names.append(lb["name"])
        names += [f"{lb['name']}-{k + 1}" for k in range(len(lb.get("subnets") or []))]
    for key in ("hosts", "services"):
        names += [x["name"] for x in (doc.get("internet") or {}).get(key) or []]
    for g in doc.get("auto_scaling_groups") or []:
        names += [f"{g['name']}-{k + 1}" for k in range(int(g.get("desired", g.get("min", 1))))]
    for s in doc.get("subnets") or []:
        names.append(s["name"])
    for n in doc.get("network_acls") or []:
        names.append("NACL " + n["name"])
    if doc.get("internet_gateway"):
        names.append(doc["internet_gateway"].get("name", "igw"))
    # IPv6 (issue #19): the egress-only gateway, every written IPv6 address and IPv6 route.
    if doc.get("egress_only_internet_gateway"):
        names.append(doc["egress_only_internet_gateway"].get("name", "eigw"))
    for h in (doc.get("internet") or {}).get("hosts") or []:
        if h.get("ipv6_address") not in (None, "auto"):
            names.append(str(h["ipv6_address"]))
    for t in doc.get("route_tables") or []:
        names += [str(r["destination"]) for r in t.get("routes") or [] if ":" in str(r["destination"])]
    return names


def svg_text(path):
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def main():
    netsim, topologies = sys.argv[1], pathlib.Path(sys.argv[2])
    if shutil.which("dot") is None:
        print("SKIP: no Graphviz `dot`")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for topo in sorted(topologies.glob("*.yaml")):
            out = pathlib.Path(tmp) / (topo.stem + ".svg")
            r = subprocess.run([netsim, "graph", str(topo), "-o", str(out)], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{topo.name}: graph -o svg exit {r.returncode}: {r.stderr.strip()}")
                continue
            texts = svg_text(out)
            words = set()
            for t in texts:
                if "\\" in t:
                    failures.append(f"{topo.name}: drawn text with a backslash: {t!r}")
                words.add(t.strip())
                words.update(t.split())
            joined = "\n".join(texts)
            for name in expected_names(yaml.safe_load(topo.read_text())):
                if name not in words and name not in joined:
                    failures.append(f"{topo.name}: '{name}' is not drawn")
            print(f"{topo.name}: {len(texts)} text elements checked")
        png = pathlib.Path(tmp) / "default.png"
        r = subprocess.run([netsim, "graph", "-o", str(png)], capture_output=True, text=True)
        if r.returncode != 0 or not png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"):
            failures.append(f"graph -o x.png: exit {r.returncode}, no PNG written")
        bad = pathlib.Path(tmp) / "default.jpeg"
        r = subprocess.run([netsim, "graph", "-o", str(bad)], capture_output=True, text=True)
        if r.returncode != 2 or ".png" not in r.stderr or bad.exists():
            failures.append(f"graph -o x.jpeg: exit {r.returncode} ({r.stderr.strip()}), expected 2 naming the formats")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks topologies/schema.json against the loader and the shipped topologies.

1. The schema's property names are exactly the keys the loader's parsers accept (MapReader
   lists in netsim/topology/parse_*.cc).
2. Every key used in every topologies/*.yaml is in the schema at that position.
3. When the jsonschema module is available, every topologies/*.yaml validates against it.
Usage: schema_check.py SCHEMA TOPOLOGIES_DIR PARSER_SOURCE...
"""
import glob
import json
import os
import re
import sys

import yaml


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def object_schema(schema, node):
    """The object-typed alternative of a node (following $ref and oneOf), or None."""
    node = resolve(schema, node)
    if not isinstance(node, dict):
        return None
    if node.get("type") == "object":
        return node
    for alt in node.get("oneOf", []) + node.get("anyOf", []):
        found = object_schema(schema, alt)
        if found:
            return found
    return None


def walk(schema, node, value, path, errors):
    node = resolve(schema, node)
    if isinstance(value, dict):
        obj = object_schema(schema, node)
        if obj is None:
            errors.append(f"{path or '<top>'}: the schema has no mapping here")
            return
        props = obj.get("properties", {})
        for key, sub in value.items():
            if key not in props:
                errors.append(f"{path + '.' if path else ''}{key}: not in the schema")
                continue
            walk(schema, props[key], sub, f"{path + '.' if path else ''}{key}", errors)
    elif isinstance(value, list):
        items = node.get("items") if isinstance(node, dict) else None
        if items is None:
            errors.append(f"{path}: the schema has no list here")
            return
        for i, item in enumerate(value):
            walk(schema, items, item, f"{path}[{i}]", errors)


def schema_keys(schema):
    keys = set()

    def collect(node):
        if isinstance(node, dict):
            for k, v in node.get("properties", {}).items():
                keys.add(k)
                collect(v)
            for v in node.values():
                if isinstance(v, (dict, list)):
                    collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect({k: v for k, v in schema.items() if k != "$defs"})
    collect(schema["$defs"])
    return keys


def loader_keys(source):
    keys = set()
    # MapReader NAME(node, path, ctx, {"a", "b", ...});  -- the allowed-key list is the last {...}
    for call in re.finditer(r"MapReader\s+\w+\((.*?)\);", source, re.S):
        lists = re.findall(r"\{([^{}]*)\}", call.group(1))
        if not lists:
            continue
        keys.update(re.findall(r'"([^"]+)"', lists[-1]))
    return keys


def main():
    schema_path, topo_dir, parsers = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(schema_path) as f:
        schema = json.load(f)
    accepted = set()
    for parser in parsers:
        with open(parser) as f:
            accepted |= loader_keys(f.read())
    errors = []
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        errors.append("schema: $schema must be draft 2020-12")
    declared = schema_keys(schema)
    if len(accepted) < 50:
        errors.append(f"parsers: found only {len(accepted)} keys; has the MapReader syntax changed?")
    for k in sorted(accepted - declared):
        errors.append(f"schema: key '{k}' is accepted by the loader but missing from the schema")
    for k in sorted(declared - accepted):
        errors.append(f"schema: key '{k}' is in the schema but the loader does not accept it")
    files = sorted(glob.glob(os.path.join(topo_dir, "*.yaml")))
    if not any(f.endswith("default.yaml") for f in files):
        errors.append("topologies/default.yaml not found")
    try:
        import jsonschema  # optional
    except ImportError:
        jsonschema = None
    for path in files:
        with open(path) as f:
            data = yaml.safe_load(f)
        file_errors = []
        walk(schema, schema, data, "", file_errors)
        errors += [f"{os.path.basename(path)}: {e}" for e in file_errors]
        if jsonschema is not None:
            validator = jsonschema.Draft202012Validator(schema)
            for e in validator.iter_errors(data):
                loc = ".".join(str(p) for p in e.absolute_path)
                errors.append(f"{os.path.basename(path)}: {loc}: {e.message}")
    for e in errors:
        print(e)
    print(f"schema_check: {len(accepted)} loader keys, {len(declared)} schema keys, "
          f"{len(files)} topologies, jsonschema {'used' if jsonschema else 'not installed'}: "
          f"{'FAILED' if errors else 'ok'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

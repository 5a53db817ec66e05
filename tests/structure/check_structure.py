#!/usr/bin/env python3
"""Structural rules of netsim/ that review alone would let drift (issue #16):

1. Pure modules never depend on an effect module: neither an `#include "netsim/<m>/..."` nor a
   `netsim_<m>` on a link line may name a module outside PURE, and pure modules include no
   system header that opens sockets, spawns, reads clocks or randomness.
2. No source file is longer than MAX_FILE_LINES lines.
3. No function (a brace block that follows a parameter list, outside any other function) is
   longer than MAX_FUNCTION_LINES lines, signature included.
4. The module table of docs/architecture.md (between MODULE_TABLE_BEGIN and MODULE_TABLE_END)
   names every module once, pure or effect as PURE says, with exactly its direct dependencies.

  check_structure.py [--root DIR] [--graph | --table]
  --graph prints the module graph (DOT), --table the module table's first columns, and exits
Exit 0 when every rule holds, 1 with one line per breach otherwise.
"""
import argparse
import pathlib
import re
import sys

PURE = {"common", "model", "topology", "import", "analysis", "plan", "packet", "nat", "scaling", "report", "flowlog"}
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
# System headers whose only use is an effect (sockets, processes, namespaces, capabilities).
EFFECT_HEADERS = re.compile(
    r"#include <(sys/socket\.h|sys/un\.h|sys/prctl\.h|sys/syscall\.h|sys/wait\.h|sched\.h|"
    r"poll\.h|sys/epoll\.h|linux/capability\.h|netlink/.*|pcap.*|random)>")
# Calls that read a clock or the entropy pool: pure code takes time and randomness as arguments.
EFFECT_CALLS = re.compile(r"\b(steady_clock::now|system_clock::now|random_device|getrandom)\b")
SOURCE_SUFFIXES = {".cc", ".h", ".cpp", ".hpp", ".in"}
MODULE_TABLE_BEGIN = "<!-- module table: checked by tests/structure/check_structure.py -->"
MODULE_TABLE_END = "<!-- end of module table -->"


def modules(root):
    return sorted(p.name for p in (root / "netsim").iterdir()
                  if p.is_dir() and (p / "CMakeLists.txt").exists())


def sources(root, module):
    return sorted(p for p in (root / "netsim" / module).rglob("*")
                  if p.is_file() and p.suffix in SOURCE_SUFFIXES)


def strip_comments_and_strings(text):
    """Blanks out comments, string and character literals, keeping line breaks."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


FUNCTION_HEADER = re.compile(
    r"\)\s*(const|noexcept|override|final|mutable|&|&&|->\s*[\w:<>,\s*&\[\]]+|\s)*$")
INIT_LIST_HEADER = re.compile(r"\)\s*:\s*[\w:]+\s*[({]")


def long_functions(text):
    """Yields (first line, line count) of each outermost function body."""
    clean = strip_comments_and_strings(text)
    stack = []  # per open brace: (kind, start line)
    header_start = 0
    line = 1
    for i, c in enumerate(clean):
        if c == "\n":
            line += 1
        elif c == "{":
            header = clean[header_start:i]
            in_function = any(kind == "function" for kind, _ in stack)
            kind = "block"
            if not in_function:
                flat = " ".join(header.split())
                if re.search(r"\bnamespace\b", flat) or re.search(r"\bextern\s*\"", header):
                    kind = "namespace"
                elif re.search(r"\b(class|struct|union|enum)\b[^()]*$", flat):
                    kind = "class"
                elif FUNCTION_HEADER.search(flat) or INIT_LIST_HEADER.search(flat):
                    kind = "function"
            first = line - header.count("\n") + (len(header) - len(header.lstrip()) and
                                                 header[:len(header) - len(header.lstrip())].count("\n"))
            stack.append((kind, first if kind == "function" else line))
            header_start = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    yield start, line - start + 1
            header_start = i + 1
        elif c == ";":
            header_start = i + 1
        elif c == "#" and (i == 0 or clean[i - 1] == "\n"):
            header_start = clean.find("\n", i) + 1 or len(clean)


def module_edges(root, module):
    """(target module, where) for every dependency of `module` on another netsim module."""
    known = set(modules(root))
    for path in sources(root, module):
        for n, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = re.match(r'\s*#include "netsim/([a-z_]+)/', text)
            if m and m.group(1) != module:
                yield m.group(1), f"{path.relative_to(root)}:{n}"
    cmake = root / "netsim" / module / "CMakeLists.txt"
    for n, text in enumerate(cmake.read_text().splitlines(), 1):
        for target in re.findall(r"\bnetsim_([a-z_]+)\b", text):
            owner = next((k for k in known if target == k or target.startswith(k + "_")), None)
            if owner and owner != module:
                yield owner, f"{cmake.relative_to(root)}:{n}"


def dependencies(root, module):
    return sorted({d for d, _ in module_edges(root, module)})


def table_row(root, module):
    """The checked columns of a module's row: `| module | pure/effect | deps |`."""
    kind = "pure" if module in PURE else "effect"
    return module, kind, ", ".join(dependencies(root, module)) or "—"


def module_table_breaches(root):
    """Rule 4. Rows are `| module | kind | job | depends on |`; the job is free text."""
    doc = root / "docs" / "architecture.md"
    if not doc.exists():
        return []
    text = doc.read_text()
    if MODULE_TABLE_BEGIN not in text or MODULE_TABLE_END not in text:
        return [f"docs/architecture.md: no module table between '{MODULE_TABLE_BEGIN}' and '{MODULE_TABLE_END}'"]
    first = text[:text.index(MODULE_TABLE_BEGIN)].count("\n") + 1
    body = text[text.index(MODULE_TABLE_BEGIN):text.index(MODULE_TABLE_END)].splitlines()
    documented = {}
    for n, line in enumerate(body, first):
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in ("module", "") or set(cells[0]) <= set("-: "):
            continue
        documented[cells[0]] = (n, cells[1], cells[3])
    out = []
    for m in modules(root):
        _, kind, deps = table_row(root, m)
        if m not in documented:
            out.append(f"docs/architecture.md: module '{m}' is missing from the module table ({kind}; {deps})")
            continue
        n, doc_kind, doc_deps = documented.pop(m)
        if doc_kind != kind:
            out.append(f"docs/architecture.md:{n}: module '{m}' is {kind}, the table says '{doc_kind}'")
        if doc_deps != deps:
            out.append(f"docs/architecture.md:{n}: module '{m}' depends on '{deps}', the table says '{doc_deps}'")
    for m, (n, _, _) in documented.items():
        out.append(f"docs/architecture.md:{n}: the module table names '{m}', which is not a module")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=pathlib.Path(__file__).resolve().parents[2], type=pathlib.Path)
    parser.add_argument("--graph", action="store_true", help="print the module graph as DOT")
    parser.add_argument("--table", action="store_true", help="print the module table's checked columns")
    args = parser.parse_args()
    root = args.root.resolve()

    if args.graph:
        print("digraph netsim_modules {\n  rankdir=BT;")
        for m in modules(root):
            shape = "box" if m in PURE else "box, style=filled, fillcolor=lightgrey"
            print(f'  "{m}" [shape={shape}];')
            for dep in dependencies(root, m):
                print(f'  "{m}" -> "{dep}";')
        print("}")
        return 0

    if args.table:
        for m in modules(root):
            name, kind, deps = table_row(root, m)
            print(f"| {name} | {kind} | ... | {deps} |")
        return 0

    breaches = module_table_breaches(root)
    for m in modules(root):
        if m in PURE:
            for dep, where in module_edges(root, m):
                if dep not in PURE:
                    breaches.append(f"{where}: pure module '{m}' depends on effect module '{dep}'")
        for path in sources(root, m):
            text = path.read_text(errors="replace")
            rel = path.relative_to(root)
            lines = text.count("\n") + (not text.endswith("\n"))
            if lines > MAX_FILE_LINES:
                breaches.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
            for start, count in long_functions(text):
                if count > MAX_FUNCTION_LINES:
                    breaches.append(f"{rel}:{start}: function of {count} lines (at most {MAX_FUNCTION_LINES})")
            if m in PURE:
                clean = strip_comments_and_strings(text)
                for n, src in enumerate(text.splitlines(), 1):
                    if EFFECT_HEADERS.search(src):
                        breaches.append(f"{rel}:{n}: pure module '{m}' includes an effect header: {src.strip()}")
                for n, src in enumerate(clean.splitlines(), 1):
                    if EFFECT_CALLS.search(src):
                        breaches.append(f"{rel}:{n}: pure module '{m}' reads a clock or randomness")
    for b in breaches:
        print(b)
    print(f"structure: {len(breaches)} breaches" if breaches else "structure: all rules hold")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())

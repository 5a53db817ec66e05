#!/usr/bin/env python3
"""The structure check must catch what it promises: builds a small tree with one breach of each
rule (and near misses that must pass) and runs check_structure.py on it."""
import pathlib
import subprocess
import sys
import tempfile

CHECK = pathlib.Path(__file__).with_name("check_structure.py")


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def function(name, body_lines):
    return f"int {name}(int x) {{\n" + "  x += 1;\n" * body_lines + "  return x;\n}\n"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        write(root, "netsim/model/CMakeLists.txt", "add_library(netsim_model STATIC m.cc)\n"
              "target_link_libraries(netsim_model PUBLIC netsim_common)\n")
        write(root, "netsim/common/CMakeLists.txt", "add_library(netsim_common STATIC c.cc)\n")
        write(root, "netsim/netns/CMakeLists.txt", "add_library(netsim_netns STATIC n.cc)\n")
        write(root, "netsim/plan/CMakeLists.txt", "add_library(netsim_plan STATIC p.cc)\n"
              "target_link_libraries(netsim_plan PRIVATE netsim_netns)\n")
        # model: an include of an effect module, a socket header, a clock read.
        write(root, "netsim/model/m.cc", '#include "netsim/netns/namespace.h"\n#include <sys/socket.h>\n'
              "// std::chrono::steady_clock::now() in a comment is fine\n"
              "auto t = std::chrono::steady_clock::now();\n" + function("ok", 76))
        # common: a file of 601 lines and a function of 81 lines (signature to closing brace).
        write(root, "netsim/common/c.cc", function("tooLong", 78) + "\n" * (601 - 81))
        # netns (effect) may include sockets and read clocks; a lambda inside a function is not
        # a function of its own; a class body is not a function.
        write(root, "netsim/netns/n.cc", "#include <sys/socket.h>\nstruct S {\n" + function("m", 70) +
              "};\nint f() {\n  auto l = [](int y) {\n    return y;\n  };\n  return l(1);\n}\n")
        write(root, "netsim/plan/p.cc", "int p() { return 0; }\n")
        # docs: model's kind wrong, plan's dependencies wrong, netns missing, a module that is not.
        write(root, "docs/architecture.md", "# x\n<!-- module table: checked by tests/structure/check_structure.py -->\n"
              "| module | kind | job | depends on |\n|---|---|---|---|\n"
              "| common | pure | values | — |\n"
              "| model | effect | structs | common, netns |\n"
              "| plan | pure | the plan | common |\n"
              "| ghost | pure | nothing | — |\n"
              "<!-- end of module table -->\n")
        run = subprocess.run([sys.executable, str(CHECK), "--root", str(root)], capture_output=True, text=True)
        out = run.stdout
        expected = [
            "netsim/model/m.cc:1: pure module 'model' depends on effect module 'netns'",
            "netsim/plan/CMakeLists.txt:2: pure module 'plan' depends on effect module 'netns'",
            "netsim/model/m.cc:2: pure module 'model' includes an effect header",
            "netsim/model/m.cc:4: pure module 'model' reads a clock or randomness",
            "netsim/common/c.cc: 601 lines",
            "netsim/common/c.cc:1: function of 81 lines",
            "docs/architecture.md:6: module 'model' is pure, the table says 'effect'",
            "docs/architecture.md:7: module 'plan' depends on 'netns', the table says 'common'",
            "docs/architecture.md: module 'netns' is missing from the module table",
            "docs/architecture.md:8: the module table names 'ghost', which is not a module",
        ]
        failures = [e for e in expected if e not in out]
        if run.returncode != 1:
            failures.append(f"exit code {run.returncode}, expected 1")
        if "structure: 10 breaches" not in out:
            failures.append("expected exactly 10 breaches")
        if failures:
            print(out)
            for f in failures:
                print("missing:", f)
            return 1
        print("check_structure_test: every kind of breach is caught, near misses pass")
        return 0


if __name__ == "__main__":
    sys.exit(main())

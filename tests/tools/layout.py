#!/usr/bin/env python3
"""layout.py SRC BUILD - check the architecture HACKING.md describes.

  1. every file under lib/ and cmd/ has at most 600 lines;
  2. every lib/ folder opens its CMakeLists.txt with a comment saying what
     it is for and what it uses ("Uses ...");
  3. the parts' declared dependencies (target_link_libraries) have no
     cycle, and every #include and every fg_ symbol a part uses comes from
     the part itself or from a part below it;
  4. no include circle and no call circle between files of lib/ (calls read
     from the object files with nm);
  5. source comments point at nothing outside the repository.
Prints one line per problem and exits 1 when there is any.
"""
import os
import re
import subprocess
import sys

src, build = sys.argv[1], sys.argv[2]
problems = []
MAX_LINES = 600


def rel(p):
    return os.path.relpath(p, src)


def sources(top, exts=(".c", ".h")):
    for d, _, files in os.walk(os.path.join(src, top)):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(d, f)


# 1. file sizes
for top in ("lib", "cmd"):
    for p in sources(top, (".c", ".h", ".in")):
        n = sum(1 for _ in open(p, encoding="utf-8"))
        if n > MAX_LINES:
            problems.append(f"{rel(p)}: {n} lines, more than {MAX_LINES}: split it")

# 2. parts and their declared dependencies
parts = {}  # target -> {dir, deps}
for d, _, files in os.walk(os.path.join(src, "lib")):
    if "CMakeLists.txt" not in files or d == os.path.join(src, "lib"):
        continue
    text = open(os.path.join(d, "CMakeLists.txt"), encoding="utf-8").read()
    head = text.split("\n", 1)[0]
    if not head.startswith("# ") or not re.search(r"^#.*\bUses\b", text, re.M):
        problems.append(f"{rel(d)}/CMakeLists.txt: must open with a comment saying what the "
                        "part is for and what it uses ('Uses ...')")
    m = re.search(r"add_library\((fg_\w+) STATIC", text)
    if not m:
        problems.append(f"{rel(d)}: no 'add_library(fg_NAME STATIC' in its CMakeLists.txt")
        continue
    deps = set()
    for tl in re.finditer(r"target_link_libraries\(" + m.group(1) + r"\s+PUBLIC([^)]*)\)", text):
        deps |= set(re.findall(r"\bfg_\w+", tl.group(1)))
    parts[m.group(1)] = {"dir": d, "deps": deps}


def closure(name, seen=None, stack=()):
    if name in stack:
        problems.append("parts depend on each other in a cycle: " + " -> ".join(stack + (name,)))
        return set()
    seen = set()
    for dep in parts.get(name, {}).get("deps", ()):
        seen.add(dep)
        seen |= closure(dep, seen, stack + (name,))
    return seen


below = {name: closure(name) for name in parts}
part_of_dir = {info["dir"]: name for name, info in parts.items()}


def part_of(path):
    d = os.path.dirname(path)
    while d.startswith(os.path.join(src, "lib")):
        if d in part_of_dir:
            return part_of_dir[d]
        d = os.path.dirname(d)
    return None


headers = {}  # header basename -> part
for p in sources("lib", (".h", ".h.in")):
    name = os.path.basename(p).replace(".h.in", ".h")
    if name == "version.h":
        name = "fg_version.h"
    headers[name] = part_of(p)

# 3a. includes go down (or stay in the part)
include_graph = {}
for p in sources("lib"):
    me = part_of(p)
    include_graph[p] = []
    for line_no, line in enumerate(open(p, encoding="utf-8"), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        h = os.path.basename(m.group(1))
        owner = headers.get(h)
        if owner is None:
            continue
        if owner != me and owner not in below.get(me, ()):
            problems.append(f"{rel(p)}:{line_no}: includes {h} of {owner}, which {me} may not use")
        for q in sources("lib", (".h",)):
            if os.path.basename(q) == h:
                include_graph[p].append(q)

# 3b/4. symbols: which object defines and which uses each fg_ function
objects = {}  # object path -> (part, source)
for name, info in parts.items():
    objdir = os.path.join(build, os.path.relpath(info["dir"], src), "CMakeFiles", name + ".dir")
    for d, _, files in os.walk(objdir):
        for f in files:
            if f.endswith(".c.o"):
                objects[os.path.join(d, f)] = (name, f[:-2])
if not objects:
    problems.append(f"no object files under {build}/lib: build first")
defined, used = {}, {}
for obj, (part, source) in objects.items():
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[-2] in ("T", "D", "B", "R") and fields[-1].startswith("fg_"):
            defined[fields[-1]] = (part, source)
        elif len(fields) == 2 and fields[0] == "U" and fields[1].startswith("fg_"):
            used.setdefault((part, source), set()).add(fields[1])
call_graph = {}
for (part, source), syms in used.items():
    for sym in sorted(syms):
        if sym not in defined:
            continue
        to_part, to_source = defined[sym]
        if to_part != part and to_part not in below.get(part, ()):
            problems.append(f"{source} ({part}) calls {sym} of {to_part}, which {part} may not use")
        if (to_part, to_source) != (part, source):
            call_graph.setdefault((part, source), set()).add((to_part, to_source))


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


for comp in cycles(include_graph):
    problems.append("include circle: " + " <-> ".join(rel(p) for p in comp))
for comp in cycles(call_graph):
    problems.append("call circle: " + " <-> ".join(f"{s} ({p})" for p, s in comp))

# 5. nothing outside the repository
for top in ("lib", "cmd"):
    for p in sources(top):
        for line_no, line in enumerate(open(p, encoding="utf-8"), 1):
            if re.search(r"DESIGN\.md|STYLE\.md|\.\./shared", line):
                problems.append(f"{rel(p)}:{line_no}: refers to a document outside the repository")

for p in problems:
    print(p)
print(f"# {len(parts)} parts, {len(objects)} objects, {len(call_graph)} files calling across files")
sys.exit(1 if problems else 0)

#!/usr/bin/env python3
"""Figures in the documentation that cannot go stale.

Every figure that README.md or docs/*.md quotes sits in a fenced code block whose
first line is the command that prints it, after a "$ ":

    ```text
    $ cybertrust equilibrium scenarios/a.cfg scenarios/b.cfg --brief
    ...what the program prints...
    ```

A block may hold several commands, each followed by what it prints (standard
output and error together, as a terminal shows them). This script runs each
command from the repository's root, with the built `cybertrust` first on PATH,
and compares what it prints with the block. The
prose paragraphs right after a figure block may quote its numbers: every
decimal number or percentage written there, outside `inline code`, must appear
in that block, so a sentence cannot keep a number the program no longer prints.

    docs_figures.py BUILD_DIR [--update] [FILE...]

Without --update: exit 1 and show a diff for every stale figure.
With --update: rewrite the blocks with what the program prints now.
"""
import difflib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^```")
NUMBER = re.compile(r"(?<![\w.])[-−]?\d*\.\d+%?|(?<![\w.])\d+(?:\.\d+)?%")
CODE_SPAN = re.compile(r"`[^`]*`")


def blocks(lines):
    """(start, end) line indexes of fenced blocks whose first line is '$ ...'."""
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            j = i + 1
            while j < len(lines) and not FENCE.match(lines[j]):
                j += 1
            if i + 1 < j and lines[i + 1].startswith("$ "):
                yield i, j
            i = j + 1
        else:
            i += 1


def run(command, build):
    env = dict(os.environ, PATH=os.path.abspath(build) + os.pathsep + os.environ["PATH"])
    env["COLUMNS"] = "80"
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    return done.stdout.rstrip("\n").split("\n")


def regenerate(body, build):
    """The block's lines with each command's output printed anew."""
    out = []
    for line in body:
        if line.startswith("$ "):
            out.append(line)
            out.extend(run(line[2:], build))
    return out


def prose_after(lines, end):
    """The paragraphs after a block, up to the next block or heading."""
    out = []
    for line in lines[end + 1:]:
        if FENCE.match(line) or line.startswith("#"):
            break
        out.append(line)
    return out


def normalise(number):
    return number.replace("−", "-").rstrip("%")


def check_prose(path, lines, start, end, output):
    printed = set()
    for line in output:
        for n in NUMBER.findall(line):
            printed.add(normalise(n))
            printed.add(normalise(n).lstrip("-"))
    bad = []
    for k, line in enumerate(prose_after(lines, end)):
        for n in NUMBER.findall(CODE_SPAN.sub("", line)):
            if normalise(n) not in printed and normalise(n).lstrip("-") not in printed:
                bad.append(f"{path}:{end + 2 + k}: {n} is not in the figure above it")
    return bad


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    build, files = args[0], args[1:]
    if not files:
        files = ["README.md"] + sorted(
            os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))
            if f.endswith(".md"))
    stale, prose, count = [], [], 0
    for path in files:
        with open(os.path.join(ROOT, path), encoding="utf-8") as fp:
            lines = fp.read().split("\n")
        new = list(lines)
        for start, end in reversed(list(blocks(lines))):
            count += 1
            output = regenerate(lines[start + 1:end], build)
            if lines[start + 1:end] != output:
                stale.append(f"{path}:{start + 2}: {lines[start + 1]}\n" + "\n".join(
                    difflib.unified_diff(lines[start + 1:end], output, "documented", "printed",
                                         lineterm="")))
                new[start + 1:end] = output
            prose.extend(check_prose(path, lines, start, end, output))
        if update and new != lines:
            with open(os.path.join(ROOT, path), "w", encoding="utf-8") as fp:
                fp.write("\n".join(new))
    print(f"docs_figures: {count} figures checked")
    if stale and not update:
        print("\n\n".join(stale))
        print(f"docs_figures: stale; run tests/docs_figures.py {build} --update")
    if prose:
        print("\n".join(prose))
        print("docs_figures: the prose quotes numbers its figure does not print; reword it")
    return 1 if prose or (stale and not update) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Mutation run for the pure rules (domain/ and scheduler/planner.py), outside CI: it installs the
# pinned `mutation` group into .venv, mutates a copy of the tree in mutants/, runs the rules' unit
# tests against each mutant and prints the score and the surviving mutants. Configuration:
# [tool.mutmut] in pyproject.toml. Show a survivor's change with `.venv/bin/mutmut show NAME`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements-dev.lock -e '.[mutation]'
rm -rf mutants
mkdir mutants
.venv/bin/mutmut run --max-children "${MUTATION_JOBS:-2}" > mutants/run.log 2>&1 || {
    tail -n 40 mutants/run.log
    exit 1
}
.venv/bin/mutmut results --all true > mutants/results.txt
.venv/bin/python - <<'PY'
"""Score: killed (or timed out) over all mutants that ran; list the survivors."""
import collections
import pathlib

counts: collections.Counter[str] = collections.Counter()
survivors = []
for line in pathlib.Path("mutants/results.txt").read_text().splitlines():
    name, _, status = line.strip().rpartition(": ")
    if not name:
        continue
    counts[status] += 1
    if status == "survived":
        survivors.append(name)
ran = sum(counts[s] for s in ("killed", "timeout", "survived", "suspicious"))
caught = counts["killed"] + counts["timeout"]
print(", ".join(f"{s}: {n}" for s, n in sorted(counts.items())))
print("survivors:", *survivors, sep="\n  ") if survivors else print("no survivors")
print(f"mutation score: {caught}/{ran} = {100 * caught / max(ran, 1):.1f}%")
PY

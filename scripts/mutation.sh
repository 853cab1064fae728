#!/usr/bin/env bash
# Mutation run for the pure rules (domain/ and scheduler/planner.py), outside CI: it installs the
# pinned `mutation` group into .venv, mutates a copy of the tree in mutants/, runs the rules' unit
# tests against each mutant and prints the score and the surviving mutants. Configuration:
# [tool.mutmut] in pyproject.toml. Show a survivor's change with `.venv/bin/mutmut show NAME`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
rm -rf mutants
mkdir mutants
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements-dev.lock \
    -e '.[mutation]' > mutants/install.log 2>&1 || {
    cat mutants/install.log
    exit 1
}
echo "mutmut: mutating domain/ and scheduler/planner.py (a few minutes; log in mutants/run.log)"
.venv/bin/mutmut run --max-children "${MUTATION_JOBS:-2}" > mutants/run.log 2>&1 || {
    tail -n 40 mutants/run.log
    exit 1
}
.venv/bin/mutmut results --all true > mutants/results.txt
.venv/bin/python - <<'PY'
"""The score: mutants caught (killed or timed out) over all mutants, untested ones included;
then the survivors, to be given a test or a reason in docs/RELIABILITY.md."""
import collections
import pathlib

counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
survivors = []
for line in pathlib.Path("mutants/results.txt").read_text().splitlines():
    name, _, status = line.strip().rpartition(": ")
    if not name:
        continue
    area = "domain/" if name.startswith("domain.") else "scheduler/planner.py"
    counts[area][status] += 1
    counts["all"][status] += 1
    if status == "survived":
        survivors.append(name)
print("survivors:", *survivors, sep="\n  ") if survivors else print("no survivors")
for area in ("domain/", "scheduler/planner.py", "all"):
    c = counts[area]
    caught, total = c["killed"] + c["timeout"], sum(c.values())
    detail = ", ".join(f"{s} {n}" for s, n in sorted(c.items()))
    print(f"mutation score {area}: {caught}/{total} = {100 * caught / max(total, 1):.1f}% ({detail})")
PY

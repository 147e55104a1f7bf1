"""Race two pushes against a running Label Studio and check that they converge.

    annotate studio up            # or LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY for a team server
    python3 tests/bench_push_race.py 200 12      # tasks per round, rounds (each: new title + existing project)

Each round releases two pushes together (threads, a barrier, one connection each):
one pushes the first three quarters of the tasks, the other the last three quarters
(overlapping halves: a task lost with a deleted project would show), once into a new
title and once into a project that already holds a quarter of them. After each race
it lists the project and prints one line: projects with the title, doc_ids, most copies
of one doc_id, what each push imported and removed, seconds, OK/FAIL.
"""
from __future__ import annotations

import copy
import json
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE / "studio")]

from annotate.labelstudio.client import Connection  # noqa: E402
from annotate.labelstudio.converge import iter_tasks  # noqa: E402
from annotate.labelstudio.projects import list_projects  # noqa: E402
from annotate.labelstudio.push import push_tasks  # noqa: E402
from test_concurrency import many  # noqa: E402


def race(conn: Connection, title: str, work: list[dict], r: int) -> list:
    n = len(work)
    barrier = threading.Barrier(2)

    def one(i: int):
        c = Connection()
        barrier.wait()
        if i and r % 3 == 1:
            time.sleep(0.05 * (r % 5))  # vary the timing a little
        part = work[: 3 * n // 4] if i == 0 else work[n // 4:]
        return push_tasks(c, title, copy.deepcopy(part), batch_size=[7, 50, 500][r % 3])

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(2)))


def main(n: int, rounds: int) -> int:
    conn = Connection()
    work = many(json.loads((HERE / "fixtures" / "tasks_small.json").read_text(encoding="utf-8")), n)
    failed = 0
    for r in range(rounds):
        for mode in ("new", "existing"):
            title = f"race-{mode}-{uuid.uuid4().hex[:8]}"
            if mode == "existing":
                push_tasks(conn, title, work[: n // 4])
            t0 = time.monotonic()
            results = race(conn, title, work, r)
            seconds = time.monotonic() - t0
            projects = list_projects(conn, title)
            copies = Counter(t["data"]["doc_id"] for t in iter_tasks(conn, projects[0].id, "id,data"))
            good = len(projects) == 1 and len(copies) == n and max(copies.values()) == 1
            failed += not good
            print(f"round {r} {mode}: projects {len(projects)}, doc_ids {len(copies)}, "
                  f"max copies {max(copies.values())}, imported {[x.imported for x in results]}, "
                  f"removed {[x.settled.tasks_removed for x in results]}, {seconds:.1f} s "
                  f"{'OK' if good else 'FAIL'}", flush=True)
    print(f"{2 * rounds - failed} of {2 * rounds} races converged")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 5))

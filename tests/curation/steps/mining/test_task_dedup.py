"""``curation/steps/mining_task_dedup.py``: later copies of a change dropped in the task."""

from __future__ import annotations

from curation.steps.mining.filters import PARSED_NEW
from curation.steps.mining.task_dedup import TaskExactDedup


def test_first_copy_kept_later_copies_dropped_and_counted(change_doc) -> None:
    docs = [
        change_doc("x = 1\n", "x = 2\n", "a"),
        change_doc("x = 1\n", "x = 3\n", "b"),  # same new side alone is not a duplicate change
        change_doc("x = 1\n", "x = 2\n", "c"),  # cherry-pick of a
        change_doc("x = 2\n", "x = 1\n", "d"),  # the revert: a different change
        change_doc("x = 1\n", "x = 2\n", "e"),
    ]
    docs[2].metadata[PARSED_NEW] = object()
    step = TaskExactDedup(batch_size=2)
    kept = list(step.run(iter(docs)))
    assert [d.metadata["commit"][0] for d in kept] == ["a", "b", "d"]
    assert PARSED_NEW not in docs[2].metadata  # its parse is released with it
    stats = {k: v.total for k, v in step.stats.stats.items()}
    assert stats["dropped_exact_duplicate"] == 2 and stats["forwarded"] == 3

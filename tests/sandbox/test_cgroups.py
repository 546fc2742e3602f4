"""Cgroup v1 and v2 bookkeeping, on fake hierarchies (plain files) and on this host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.cgroups import Cgroup, cgroup_version, reap_stale


def write(directory: Path, **files: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name.replace("__", ".")).write_text(text)


def test_v1_arm_measure_and_limit(tmp_path):
    memory, pids = tmp_path / "memory" / "job", tmp_path / "pids" / "job"
    write(
        memory,
        memory__usage_in_bytes="1048576\n",
        memory__max_usage_in_bytes="999999999\n",
        memory__limit_in_bytes="4294967296\n",
        memory__memsw__limit_in_bytes="4294967296\n",
        memory__oom_control="oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
    )
    write(pids, cgroup__procs="10\n11\n", pids__max="max\n")
    group = Cgroup(1, memory, pids)
    resting = group.arm(256 << 20, pids=64)
    assert resting == 1 << 20
    assert (memory / "memory.max_usage_in_bytes").read_text() == "0"
    assert int((memory / "memory.limit_in_bytes").read_text()) == (1 << 20) + (256 << 20)
    assert (memory / "memory.memsw.limit_in_bytes").read_text() == str((1 << 20) + (256 << 20))
    assert (pids / "pids.max").read_text() == "66"
    assert group.oom_kills() == 3
    (memory / "memory.max_usage_in_bytes").write_text("68157440\n")
    assert group.peak_bytes() - resting == 64 << 20


def test_v2_arm_measure_and_limit(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    unified = tmp_path / "job"
    write(
        unified,
        memory__current="2097152\n",
        memory__peak="5000000000\n",
        memory__max="max\n",
        memory__swap__max="max\n",
        memory__events="low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n",
        cgroup__procs="7\n",
        pids__max="max\n",
    )
    assert cgroup_version(tmp_path) == 2
    group = Cgroup(2, unified, unified)
    assert group.arm(128 << 20, pids=10) == 2 << 20
    assert (unified / "memory.peak").read_text() == "reset\n"
    assert (unified / "memory.max").read_text() == str((2 << 20) + (128 << 20))
    assert (unified / "memory.swap.max").read_text() == "0"
    assert (unified / "pids.max").read_text() == "11"
    assert group.oom_kills() == 1


def test_arm_reports_an_unwritable_cgroup(tmp_path):
    group = Cgroup(1, tmp_path / "missing", None)
    assert group.arm(1 << 20) is None


def test_our_own_cgroup_is_found_on_this_host():
    group = Cgroup.of_pid(os.getpid())
    if group is None:
        pytest.skip("no readable cgroup hierarchy here")
    assert group.memory.is_dir()
    assert group.usage_bytes() > 0


def test_stale_worker_cgroups_of_dead_owners_are_reaped(tmp_path):
    dead_pid = 2**22 + 12345  # above pid_max: never alive
    for controller in ("memory", "pids"):
        (tmp_path / controller / "codepref" / f"{dead_pid}-0").mkdir(parents=True)
        (tmp_path / controller / "codepref" / f"{os.getpid()}-0").mkdir(parents=True)
    assert reap_stale(tmp_path) == 2
    assert not (tmp_path / "memory" / "codepref" / f"{dead_pid}-0").exists()
    assert (tmp_path / "memory" / "codepref" / f"{os.getpid()}-0").exists()

"""Stores on media that cannot take a write: read-only, or full.

Each test mounts a small file system of its own (tmpfs), which needs root; elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import VDAB, pop_process

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def disk(tmp_path):
    """A 2 MB file system at ``tmp_path/disk``, unmounted afterwards."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a file system needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def pop_on(disk: Path, *args: str) -> subprocess.CompletedProcess:
    return pop_process(*args, env={"POP_HOME": str(disk / "pop"), "POP_STORE": ""})


def fill(disk: Path, leave_kb: int) -> Path:
    """Fill the disk up to ``leave_kb`` KB of free space."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free_kb = shutil.disk_usage(disk).free // 1024
    with filler.open("wb") as f:
        f.write(b"\0" * max(free_kb - leave_kb, 0) * 1024)
    return filler


def plans_on(disk: Path) -> list[str]:
    result = pop_on(disk, "list", "--all", "--json")
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_a_store_on_read_only_media_can_be_read_but_not_changed(disk):
    assert pop_on(disk, "run", "--answers", str(VDAB)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    (plan_id,) = plans_on(disk)
    assert "Dries Verbeeck" in pop_on(disk, "show", plan_id).stdout
    for args in (["due"], ["report"], ["people", "list"], ["export", plan_id]):
        result = pop_on(disk, *args)
        assert result.returncode == 0, (args, result.stderr)
    refused = pop_on(disk, "sign", plan_id, "--role", "manager", "--name", "Els Vandamme")
    assert refused.returncode == 2
    assert "read-only" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_a_plan_from_a_file_on_a_full_disk_is_stored_whole_or_not_at_all(disk):
    assert pop_on(disk, "people", "list").returncode == 0     # the store exists
    outcomes = set()
    for leave_kb in (40, 80, 120, 160, 200, 400):
        before = plans_on(disk)
        filler = fill(disk, leave_kb)
        result = pop_on(disk, "run", "--answers", str(VDAB))
        filler.unlink()
        after = plans_on(disk)
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            (new,) = set(after) - set(before)
            assert new in result.stdout
            shown = pop_on(disk, "show", new).stdout
            assert "Hoe zie of meet je" in shown or "stapelt" in shown  # the whole plan
        else:
            assert result.returncode == 2 and "full" in result.stderr, result.stderr
            assert after == before, "a failed run left a plan behind"
        outcomes.add(result.returncode)
    assert outcomes == {0, 2}, "the disk sizes no longer reach both outcomes"


def test_forget_on_a_full_disk_says_what_it_did(disk):
    for _ in range(3):
        assert pop_on(disk, "run", "--answers", str(VDAB)).returncode == 0
    saved = disk.parent / "saved"
    shutil.copytree(disk / "pop", saved)
    outcomes = set()
    for leave_kb in (40, 100, 200, 300, 800):
        shutil.rmtree(disk / "pop")
        shutil.copytree(saved, disk / "pop")
        filler = fill(disk, leave_kb)
        result = pop_on(disk, "forget", "Dries Verbeeck", "--yes")
        filler.unlink()
        people = pop_on(disk, "people", "list", "--json")
        names = [p["name"] for p in json.loads(people.stdout)]
        assert "Traceback" not in result.stderr
        if result.returncode == 2:
            assert "not saved" in result.stderr and "Dries Verbeeck" in names
        else:
            assert "Erased Dries Verbeeck" in result.stdout and "Dries Verbeeck" not in names
            if result.returncode == 4:
                assert "disk is full" in result.stderr and "forget --finish" in result.stderr
                finish = pop_on(disk, "forget", "--finish")
                assert finish.returncode == 0, finish.stderr
        outcomes.add(result.returncode)
    assert outcomes == {0, 2, 4}, outcomes

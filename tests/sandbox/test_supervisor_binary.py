"""Locating and building the supervisor binary (sandbox/supervisor_binary.py)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from sandbox import supervisor_binary as binary
from sandbox.runners import PATH


def ping(path) -> dict:
    done = subprocess.run(
        [str(path), "/tmp"],
        input=b'{"op": "ping"}\n',
        capture_output=True,
        timeout=30,
        check=True,
        env={"PATH": PATH},
    )
    return json.loads(done.stdout)


def test_the_cache_key_follows_the_source(tmp_path, monkeypatch):
    source = tmp_path / "supervisor"
    shutil.copytree(binary.SOURCE_DIR, source)
    monkeypatch.setattr(binary, "SOURCE_DIR", source)
    monkeypatch.setenv("CODEPREF_CACHE_DIR", str(tmp_path / "cache"))
    before = binary.cached_binary()
    assert before.parent.parent == tmp_path / "cache" / "supervisor"
    (source / "main.go").write_text((source / "main.go").read_text() + "\n// changed\n")
    assert binary.cached_binary() != before
    (source / "notes.txt").write_text("not a source file")
    assert binary.source_digest() == binary.cached_binary().parent.name


def test_a_prebuilt_binary_can_be_given(tmp_path, monkeypatch):
    monkeypatch.setenv("CODEPREF_SUPERVISOR", str(tmp_path / "missing"))
    with pytest.raises(binary.SupervisorBuildError, match="missing is not an executable"):
        binary.supervisor_binary()
    monkeypatch.delenv("CODEPREF_SUPERVISOR")
    built = binary.supervisor_binary()
    monkeypatch.setenv("CODEPREF_SUPERVISOR", str(built))
    assert binary.supervisor_binary() == built


def test_no_toolchain_and_no_engine_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CODEPREF_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no go here
    with pytest.raises(binary.SupervisorBuildError, match="no Go toolchain") as raised:
        binary.supervisor_binary()
    assert "CODEPREF_SUPERVISOR" in str(raised.value)


@pytest.mark.slow
def test_built_with_the_host_go_is_static_and_answers(tmp_path, monkeypatch):
    if shutil.which("go") is None:
        pytest.skip("no Go toolchain on this machine")
    monkeypatch.setenv("CODEPREF_CACHE_DIR", str(tmp_path))
    path = binary.supervisor_binary()
    assert path == binary.cached_binary() and path.stat().st_mode & 0o111
    assert list(path.parent.iterdir()) == [path]  # no staging left behind
    assert path.read_bytes()[:4] == b"\x7fELF"
    readelf = subprocess.run(["readelf", "-l", str(path)], capture_output=True, text=True)
    assert "INTERP" not in readelf.stdout  # no dynamic loader: runs in any image
    assert ping(path)["namespace"] is False


@pytest.mark.slow
@pytest.mark.docker
def test_built_in_the_go_image_when_the_host_has_no_go(
    tmp_path, monkeypatch, docker_client, host_image
):
    from sandbox.images import ImageConfig

    target = tmp_path / "codepref-supervisor"
    go_image = ImageConfig.host(host_image).for_language("Go")
    binary.build_in_container(target, docker_client, go_image)
    assert ping(target)["namespace"] is False
    broken = tmp_path / "broken"
    shutil.copytree(binary.SOURCE_DIR, broken)
    (broken / "main.go").write_text("package main\nfunc main() { undefined() }\n")
    monkeypatch.setattr(binary, "SOURCE_DIR", broken)
    with pytest.raises(binary.SupervisorBuildError, match="undefined"):
        binary.build_in_container(tmp_path / "again", docker_client, go_image)

"""``open_sandbox``: the backend by name, and the loud fallback to processes."""

from __future__ import annotations

import logging

import pytest

from sandbox import ProcessSandbox, Program, Status, TestCase, open_sandbox


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown sandbox backend 'vm'"):
        open_sandbox("vm")


def test_process_backend_by_name():
    with open_sandbox("process", workers=1) as sandbox:
        assert isinstance(sandbox, ProcessSandbox)
        result = sandbox.run(Program("Python", "print(input())"), [TestCase("hi\n", "hi\n")])
        assert result.status is Status.OK and result.backend == "process"


def test_auto_falls_back_to_processes_loudly_without_an_engine(monkeypatch, caplog):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with caplog.at_level(logging.WARNING), open_sandbox("auto", workers=1) as sandbox:
        assert sandbox.name == "process"
    assert "SANDBOX BACKEND: process" in caplog.text


def test_docker_by_name_fails_without_an_engine(monkeypatch):
    from sandbox.backends.docker import DockerUnavailableError

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(DockerUnavailableError):
        open_sandbox("docker")


def test_auto_is_docker_when_an_engine_answers(docker_client, host_image):
    with open_sandbox("auto", workers=1) as sandbox:
        assert sandbox.name == "docker"
        result = sandbox.run(Program("Ruby", "puts 6 * 7"), [TestCase("", "42\n")])
    assert result.status is Status.OK and result.image == host_image


def test_bad_language_names_the_job():
    with open_sandbox("process", workers=1) as sandbox, pytest.raises(ValueError, match="job 1"):
        sandbox.run_many([], progress=False) or sandbox.run_many(
            [_job("Python"), _job("Brainfuck")], progress=False
        )


def _job(language: str):
    from sandbox import Job

    return Job(Program(language, "print(1)"))

"""Tests of ``curation/hub.py`` and ``codepref push``.

No Hugging Face Hub can be reached from here, so these tests run the real ``huggingface_hub``
client (``HfApi``: whoami, create_repo, create_branch, create_commit with its preupload, LFS
batch and PUT steps, README metadata validation) against a small Hub written below that
serves those endpoints over HTTP on 127.0.0.1 and keeps repositories, branches, commits and
LFS objects in memory. The client's Xet transfer is switched off (``HF_HUB_DISABLE_XET``)
because the local server speaks the classic LFS protocol only; everything else is the
client's own code path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import huggingface_hub.constants as hf_constants
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import uvicorn
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from typer.testing import CliRunner

from curation.assembly import AssemblyConfig, SplitFractions, assemble
from curation.hub import (
    HubPermissionError,
    HubPushError,
    HubTokenError,
    HubUploadInterrupted,
    PushConfig,
    plan_push,
    push_dataset,
)
from curation.run_fingerprint import FINGERPRINT_FILE
from pipelines.cli import app

GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    repo_id: str
    private: bool
    # branch -> list of (commit oid, files snapshot after that commit)
    branches: dict[str, list[tuple[str, dict[str, bytes]]]] = field(default_factory=dict)

    def head(self, branch: str) -> dict[str, bytes]:
        return self.branches[branch][-1][1]


@dataclass
class HubState:
    """What the local Hub holds and how it should misbehave."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    denied: set[tuple[str, str]] = field(default_factory=set)  # (token, repo_id) -> 403
    repos: dict[str, Repo] = field(default_factory=dict)
    lfs: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    puts: list[str] = field(default_factory=list)
    fail_put_number: int | None = None  # the n-th PUT (1-based) answers 400, once
    fail_commit_once: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def make_app(hub: dict[str, HubState], base_url: dict[str, str]) -> FastAPI:
    api = FastAPI()

    def state() -> HubState:
        return hub["state"]

    def user_of(request: Request) -> tuple[str, dict[str, Any]] | None:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        user = state().users.get(token)
        return (token, user) if user else None

    def can_write(token: str, user: dict[str, Any], repo_id: str) -> bool:
        namespace = repo_id.split("/")[0]
        if (token, repo_id) in state().denied:
            return False
        if user["auth"]["accessToken"]["role"] == "read":
            return False
        orgs = {org["name"]: org["roleInOrg"] for org in user.get("orgs", [])}
        return namespace == user["name"] or orgs.get(namespace) in ("write", "admin")

    def guard(request: Request, repo_id: str) -> JSONResponse | None:
        who = user_of(request)
        if who is None:
            return _error(401, "Invalid credentials in Authorization header")
        if repo_id not in state().repos:
            return JSONResponse(
                {"error": "Repository not found"},
                status_code=404,
                headers={"X-Error-Code": "RepoNotFound"},
            )
        if not can_write(*who, repo_id):
            return _error(403, f"You don't have the rights to write to {repo_id}")
        return None

    @api.middleware("http")
    async def log_requests(request: Request, call_next):  # type: ignore[no-untyped-def]
        state().requests.append((request.method, request.url.path))
        return await call_next(request)

    @api.get("/api/whoami-v2")
    def whoami(request: Request) -> Response:
        who = user_of(request)
        if who is None:
            return _error(401, "Invalid credentials in Authorization header")
        return JSONResponse(who[1])

    @api.post("/api/repos/create")
    async def create_repo(request: Request) -> Response:
        who = user_of(request)
        if who is None:
            return _error(401, "Invalid credentials in Authorization header")
        body = await request.json()
        namespace = body.get("organization") or who[1]["name"]
        repo_id = f"{namespace}/{body['name']}"
        assert body.get("type") == "dataset"
        url = f"{base_url['url']}/datasets/{repo_id}"
        if repo_id in state().repos:
            # Like the Hub, a conflict still names the existing repo's URL.
            return JSONResponse(
                {"error": "You already created this dataset repo", "url": url}, status_code=409
            )
        if not can_write(*who, repo_id):
            return _error(403, f"You don't have the rights to create a dataset under {namespace}")
        private = body.get("private") is True or body.get("visibility") == "private"
        repo = Repo(repo_id, private)
        repo.branches["main"] = [("0" * 40, {".gitattributes": GITATTRIBUTES})]
        state().repos[repo_id] = repo
        return JSONResponse({"url": url, "name": repo_id})

    @api.get("/api/datasets/{namespace}/{name}/revision/{revision}")
    def repo_info(namespace: str, name: str, revision: str) -> Response:
        repo = state().repos.get(f"{namespace}/{name}")
        if repo is None or revision not in repo.branches:
            return _error(404, "not found")
        oid, files = repo.branches[revision][-1]
        return JSONResponse(
            {
                "id": repo.repo_id,
                "sha": oid,
                "private": repo.private,
                "siblings": [{"rfilename": path} for path in sorted(files)],
            }
        )

    @api.post("/api/validate-yaml")
    async def validate_yaml(request: Request) -> Response:
        content = (await request.json())["content"]
        try:
            _, front, _ = content.split("---\n", 2)
            metadata = yaml.safe_load(front)
            assert isinstance(metadata, dict)
            assert isinstance(metadata["license"], str)
            assert all("config_name" in config for config in metadata.get("configs", []))
        except (ValueError, AssertionError, KeyError, yaml.YAMLError) as error:
            return JSONResponse(
                {"errors": [{"message": f"bad metadata: {error!r}"}]}, status_code=400
            )
        return JSONResponse({"errors": [], "warnings": []})

    @api.post("/api/datasets/{namespace}/{name}/preupload/{revision}")
    async def preupload(namespace: str, name: str, revision: str, request: Request) -> Response:
        repo_id = f"{namespace}/{name}"
        if (denied := guard(request, repo_id)) is not None:
            return denied
        files = (
            state().repos[repo_id].head(revision)
            if revision in state().repos[repo_id].branches
            else {}
        )
        answer = []
        for entry in (await request.json())["files"]:
            sample = base64.b64decode(entry["sample"])
            lfs = entry["path"].endswith(".parquet") or b"\0" in sample
            existing = files.get(entry["path"])
            oid = None
            if existing is not None:
                oid = hashlib.sha256(existing).hexdigest() if lfs else git_blob_sha1(existing)
            answer.append(
                {
                    "path": entry["path"],
                    "uploadMode": "lfs" if lfs else "regular",
                    "shouldIgnore": False,
                    "oid": oid,
                }
            )
        return JSONResponse({"files": answer})

    @api.post("/datasets/{namespace}/{name}.git/info/lfs/objects/batch")
    async def lfs_batch(namespace: str, name: str, request: Request) -> Response:
        repo_id = f"{namespace}/{name}"
        if (denied := guard(request, repo_id)) is not None:
            return denied
        objects = []
        for entry in (await request.json())["objects"]:
            answer = {"oid": entry["oid"], "size": entry["size"]}
            if entry["oid"] not in state().lfs:
                href = f"{base_url['url']}/lfs-upload/{entry['oid']}"
                answer["actions"] = {"upload": {"href": href}}
            objects.append(answer)
        return JSONResponse({"transfer": "basic", "objects": objects})

    @api.put("/lfs-upload/{oid}")
    async def lfs_put(oid: str, request: Request) -> Response:
        data = await request.body()
        current = state()
        with current.lock:
            number = len(current.puts) + 1
            if current.fail_put_number == number:
                current.fail_put_number = None
                current.puts.append(f"failed:{oid}")
                return Response("RequestTimeout: connection dropped", status_code=400)
            current.puts.append(oid)
        if hashlib.sha256(data).hexdigest() != oid:
            return _error(400, "content does not match its oid")
        current.lfs[oid] = data
        return Response(status_code=200)

    @api.post("/api/datasets/{namespace}/{name}/commit/{revision}")
    async def commit(namespace: str, name: str, revision: str, request: Request) -> Response:
        repo_id = f"{namespace}/{name}"
        if (denied := guard(request, repo_id)) is not None:
            return denied
        if state().fail_commit_once:
            state().fail_commit_once = False
            return _error(500, "simulated: commit service restarted")
        repo = state().repos[repo_id]
        if revision not in repo.branches:
            return _error(404, f"branch {revision} not found")
        files = dict(repo.head(revision))
        summary = ""
        for line in (await request.body()).decode().splitlines():
            item = json.loads(line)
            value = item["value"]
            if item["key"] == "header":
                summary = value["summary"]
            elif item["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "lfsFile":
                if value["oid"] not in state().lfs:
                    return _error(400, f"LFS object {value['oid']} was never uploaded")
                files[value["path"]] = state().lfs[value["oid"]]
        oid = hashlib.sha1(f"{repo_id}{revision}{len(repo.branches[revision])}{summary}".encode())
        repo.branches[revision].append((oid.hexdigest(), files))
        url = f"{base_url['url']}/datasets/{repo_id}/commit/{oid.hexdigest()}"
        return JSONResponse({"commitUrl": url, "commitOid": oid.hexdigest()})

    @api.post("/api/datasets/{namespace}/{name}/branch/{branch}")
    async def create_branch(namespace: str, name: str, branch: str, request: Request) -> Response:
        repo_id = f"{namespace}/{name}"
        if (denied := guard(request, repo_id)) is not None:
            return denied
        repo = state().repos[repo_id]
        if branch in repo.branches:
            return _error(409, "Reference already exists")
        repo.branches[branch] = [repo.branches["main"][-1]]
        return JSONResponse({})

    return api


ALICE = {
    "type": "user",
    "name": "alice",
    "orgs": [{"name": "alice-lab", "roleInOrg": "write"}, {"name": "viewers", "roleInOrg": "read"}],
    "auth": {"accessToken": {"role": "write"}},
}
FINE_GRAINED = {**ALICE, "auth": {"accessToken": {"role": "fineGrained"}}}
READ_ONLY = {**ALICE, "auth": {"accessToken": {"role": "read"}}}


@pytest.fixture(scope="module")
def hub_server() -> Any:
    """A local Hub on 127.0.0.1; yields (holder of the current state, base URL)."""
    holder: dict[str, HubState] = {"state": HubState()}
    base: dict[str, str] = {}
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base["url"] = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(
        uvicorn.Config(make_app(holder, base), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "local hub did not start"
    yield holder, base["url"]
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def hub(hub_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """A fresh Hub state with users; the client pointed at it, Xet off, no saved token."""
    holder, url = hub_server
    state = HubState(users={"tok-alice": ALICE, "tok-fine": FINE_GRAINED, "tok-read": READ_ONLY})
    state.denied.add(("tok-fine", "alice/locked"))
    holder["state"] = state
    monkeypatch.setattr(hf_constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hf_constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", url)
    return state, url


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real assembled dataset folder: 3 aspects x 2 splits of shards plus card and stats."""
    root = tmp_path_factory.mktemp("hubdata")
    rows = [
        {
            "id": f"p{i}",
            "prompt": f"Task {i % 30}: add numbers",
            "chosen": f"def add(a, b):\n    return a + b  # {i}\n",
            "rejected": f"def add(a, b):\n    return a - b  # {i}\n",
            "language": "Python",
            "aspect": ("Functional_Correctness", "Runtime_Efficiency", "Security_Hardness")[i % 3],
            "source": "unit",
            "label_method": "execution",
            "evidence": json.dumps({"problem_id": f"t{i % 30}"}),
        }
        for i in range(240)
    ]
    pq.write_table(pa.Table.from_pylist(rows), root / "pairs.parquet")
    config = AssemblyConfig(splits=SplitFractions(0.7, 0.3, 0.0))
    assemble([root / "pairs.parquet"], root / "ds", config)
    return root / "ds"


def local_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_push_creates_repo_and_uploads_the_folder_in_one_commit(hub: Any, dataset_dir: Path):
    state, _ = hub
    result = push_dataset(
        dataset_dir, PushConfig("alice/codepref", private=True, token="tok-alice")
    )
    repo = state.repos["alice/codepref"]
    assert repo.private is True
    assert len(repo.branches["main"]) == 2  # the initial commit, then exactly one upload commit
    expected = local_files(dataset_dir)
    uploaded = {k: v for k, v in repo.head("main").items() if k != ".gitattributes"}
    assert uploaded == expected
    parquet = [name for name in expected if name.endswith(".parquet")]
    assert len(parquet) >= 4
    # Shards went through LFS (one PUT each); the card and stats went inline in the commit.
    assert sorted(state.puts) == sorted(hashlib.sha256(expected[n]).hexdigest() for n in parquet)
    assert result.files == len(expected)
    assert result.bytes == sum(len(data) for data in expected.values())
    assert len(result.commit_urls) == 1
    assert ("POST", "/api/validate-yaml") in state.requests


def test_repush_of_an_unchanged_folder_uploads_and_commits_nothing(hub: Any, dataset_dir: Path):
    state, _ = hub
    config = PushConfig("alice/again", token="tok-alice")
    push_dataset(dataset_dir, config)
    puts = len(state.puts)
    push_dataset(dataset_dir, config)
    assert len(state.puts) == puts
    assert len(state.repos["alice/again"].branches["main"]) == 2


def test_push_to_a_branch_leaves_main_untouched(hub: Any, dataset_dir: Path):
    state, _ = hub
    push_dataset(dataset_dir, PushConfig("alice-lab/data", revision="v2", token="tok-alice"))
    repo = state.repos["alice-lab/data"]
    assert repo.head("main") == {".gitattributes": GITATTRIBUTES}
    assert repo.head("v2")["README.md"] == (dataset_dir / "README.md").read_bytes()
    assert ("POST", "/api/datasets/alice-lab/data/branch/v2") in state.requests


def test_many_files_are_split_into_commits_with_the_card_last(hub: Any, dataset_dir: Path):
    state, _ = hub
    config = PushConfig("alice/chunked", token="tok-alice", max_files_per_commit=3)
    plan = plan_push(dataset_dir, config)
    result = push_dataset(dataset_dir, config)
    commits = state.repos["alice/chunked"].branches["main"][1:]
    assert len(commits) == len(plan.commits) == len(result.commit_urls) >= 2
    # README.md appears only in the last commit: the card never precedes its shards.
    assert all("README.md" not in files for _, files in commits[:-1])
    assert "README.md" in commits[-1][1]
    assert plan.files[-1].path_in_repo == "README.md"


def test_missing_token_fails_before_any_request(hub: Any, dataset_dir: Path):
    state, _ = hub
    with pytest.raises(HubTokenError, match="HF_TOKEN"):
        push_dataset(dataset_dir, PushConfig("alice/x"))
    assert state.requests == []


def test_token_from_environment_is_used(hub: Any, dataset_dir: Path, monkeypatch):
    state, _ = hub
    monkeypatch.setenv("HF_TOKEN", "tok-alice")
    push_dataset(dataset_dir, PushConfig("alice/from-env"))
    assert "alice/from-env" in state.repos


def test_token_saved_by_login_is_used(hub: Any, dataset_dir: Path, tmp_path: Path, monkeypatch):
    state, _ = hub
    saved = tmp_path / "hf-home" / "token"
    saved.parent.mkdir()
    saved.write_text("tok-alice\n")
    monkeypatch.setattr(hf_constants, "HF_TOKEN_PATH", str(saved))
    push_dataset(dataset_dir, PushConfig("alice/from-login"))
    assert "alice/from-login" in state.repos


def test_rejected_token_is_a_token_error(hub: Any, dataset_dir: Path):
    with pytest.raises(HubTokenError, match="401"):
        push_dataset(dataset_dir, PushConfig("alice/x", token="tok-unknown"))


def test_repo_of_someone_else_is_refused_before_upload(hub: Any, dataset_dir: Path):
    state, _ = hub
    with pytest.raises(HubPermissionError, match=r"'bob'.*alice-lab"):
        push_dataset(dataset_dir, PushConfig("bob/data", token="tok-alice"))
    with pytest.raises(HubPermissionError, match="read role"):
        push_dataset(dataset_dir, PushConfig("viewers/data", token="tok-alice"))
    with pytest.raises(HubPermissionError, match="read-only"):
        push_dataset(dataset_dir, PushConfig("alice/data", token="tok-read"))
    assert state.repos == {}
    assert state.puts == []


def test_server_side_403_is_a_permission_error(hub: Any, dataset_dir: Path):
    """A fine-grained token that passes the namespace check but lacks this repo's scope."""
    state, _ = hub
    state.repos["alice/locked"] = Repo("alice/locked", False, {"main": [("0" * 40, {})]})
    with pytest.raises(HubPermissionError, match="403"):
        push_dataset(dataset_dir, PushConfig("alice/locked", token="tok-fine"))
    assert state.puts == []


def test_interrupted_upload_resumes_without_uploading_twice(hub: Any, dataset_dir: Path):
    state, _ = hub
    state.fail_put_number = 2
    config = PushConfig("alice/resume", token="tok-alice")
    with pytest.raises(HubUploadInterrupted, match="Run the same push again"):
        push_dataset(dataset_dir, config)
    assert len(state.repos["alice/resume"].branches["main"]) == 1  # nothing committed
    stored_before = set(state.lfs)
    assert stored_before  # some shards made it before the failure
    puts_before = len(state.puts)
    push_dataset(dataset_dir, config)
    retried = state.puts[puts_before:]
    parquet = {
        hashlib.sha256(data).hexdigest()
        for name, data in local_files(dataset_dir).items()
        if name.endswith(".parquet")
    }
    assert set(retried) == parquet - stored_before  # only what was missing
    assert not set(retried) & stored_before
    head = state.repos["alice/resume"].head("main")
    assert {k: v for k, v in head.items() if k != ".gitattributes"} == local_files(dataset_dir)


def test_failed_commit_is_retried_without_reuploading_shards(hub: Any, dataset_dir: Path):
    state, _ = hub
    state.fail_commit_once = True
    config = PushConfig("alice/commitfail", token="tok-alice")
    with pytest.raises(HubUploadInterrupted, match="0 of 1"):
        push_dataset(dataset_dir, config)
    puts = len(state.puts)
    push_dataset(dataset_dir, config)
    assert len(state.puts) == puts
    assert len(state.repos["alice/commitfail"].branches["main"]) == 2


def test_plan_rejects_bad_repo_ids_and_non_dataset_folders(tmp_path: Path, dataset_dir: Path):
    with pytest.raises(HubPushError, match="ORG/NAME"):
        plan_push(dataset_dir, PushConfig("no-slash"))
    with pytest.raises(HubPushError, match="not a dataset folder"):
        plan_push(tmp_path, PushConfig("a/b"))


def test_cli_dry_run_prints_the_plan_and_contacts_nothing(hub: Any, dataset_dir: Path):
    state, _ = hub
    result = CliRunner().invoke(
        app, ["push", str(dataset_dir), "--repo-id", "alice/dry", "--dry-run", "--private"]
    )
    assert result.exit_code == 0, result.output
    assert "alice/dry (private" in result.output
    assert "README.md" in result.output
    assert "1 commit(s)" in result.output
    assert state.requests == []


def test_cli_push_reports_errors_and_pushes(hub: Any, dataset_dir: Path, monkeypatch):
    state, _ = hub
    runner = CliRunner()
    missing = runner.invoke(app, ["push", str(dataset_dir), "--repo-id", "alice/cli"])
    assert missing.exit_code == 1
    assert "no Hugging Face token" in missing.output
    monkeypatch.setenv("HF_TOKEN", "tok-alice")
    done = runner.invoke(
        app, ["push", str(dataset_dir), "--repo-id", "alice/cli", "--revision", "dev"]
    )
    assert done.exit_code == 0, done.output
    assert "commit 1/1" in done.output
    assert (
        state.repos["alice/cli"].head("dev")["stats.json"]
        == (dataset_dir / "stats.json").read_bytes()
    )


def test_a_folder_with_a_secret_is_refused_before_any_upload(
    hub: Any, dataset_dir: Path, tmp_path: Path
):
    import shutil

    folder = tmp_path / "leaky"
    shutil.copytree(dataset_dir, folder)
    shard = sorted((folder / "data").rglob("*.parquet"))[0]
    table = pq.read_table(shard)
    key = "AKIA" + "J3K4L5M6N7P8Q9R2"
    chosen = table.column("chosen").to_pylist()
    chosen[1] = f'aws_access_key_id = "{key}"\n'
    column = table.schema.get_field_index("chosen")
    pq.write_table(table.set_column(column, "chosen", pa.array(chosen)), shard)
    result = CliRunner().invoke(app, ["push", str(folder), "--repo-id", "org/leaky", "--dry-run"])
    assert result.exit_code == 2
    assert f"{shard}: row 1, column 'chosen', line 1: a secret (AWS Access Key)" in " ".join(
        result.output.split()
    )
    assert key not in result.output
    state, _ = hub
    with pytest.raises(HubPushError, match="AWS Access Key"):
        push_dataset(folder, PushConfig("alice/leaky", token="tok-alice"))
    assert "alice/leaky" not in state.repos


def test_dry_run_refuses_a_wrong_schema_shard_and_leaves_out_run_logs(
    dataset_dir: Path, tmp_path: Path
):
    import shutil

    folder = tmp_path / "dataset"
    shutil.copytree(dataset_dir, folder)
    (folder / "logs" / "assemble").mkdir(parents=True)
    (folder / "logs" / "assemble" / "executor.json").write_text("{}")
    (folder / FINGERPRINT_FILE).write_text("{}")  # the run record of `codepref assemble`
    plan = plan_push(folder, PushConfig("alice/data"))
    assert plan.files and not any(f.path_in_repo.startswith("logs/") for f in plan.files)
    assert FINGERPRINT_FILE not in {f.path_in_repo for f in plan.files}
    shard = sorted((folder / "data").rglob("*.parquet"))[0]
    pq.write_table(pa.table({"id": ["x"], "text": ["not a pair"]}), shard)
    result = CliRunner().invoke(app, ["push", str(folder), "--repo-id", "alice/d", "--dry-run"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"{shard}: not a pairs shard (column 'prompt': missing" in message


def test_push_of_a_missing_folder_is_an_input_error(tmp_path: Path):
    result = CliRunner().invoke(app, ["push", str(tmp_path / "nope"), "--repo-id", "a/b"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "nope: no such dataset folder, give the --out of `codepref assemble`" in lines[0]

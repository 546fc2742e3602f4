"""Pushing a dataset folder to the Hugging Face Hub with the real ``huggingface_hub`` client.

What this adds to a bare ``upload_folder``:

* a plan first (``plan_push``): which files, how many commits, how many bytes; ``--dry-run``
  prints it without touching the network;
* as few commits as possible: the Hub rate-limits commits per repository, so the whole folder
  goes in one commit unless it holds more than ``max_files_per_commit`` files; the card
  (README.md) and stats.json travel in the *last* commit, so the card never describes shards
  that are not there yet;
* errors a user can act on: no token, a token the endpoint rejects, a repository under a
  namespace the token cannot write to, and an interrupted upload. An interrupted push is
  resumed by running it again: the Hub's LFS batch answer skips objects it already holds,
  and files whose content is already on the branch are dropped from the commit.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import CommitOperationAdd, HfApi, get_token
from huggingface_hub.errors import HfHubHTTPError

from curation.credentials import Secret, mask
from curation.privacy.gate import SecretInDatasetError, check_dataset_folder
from curation.run_fingerprint import FINGERPRINT_FILE
from curation.schema import PAIRS, find_problems

DEFAULT_MAX_FILES_PER_COMMIT = 1000
MAIN_BRANCH = "main"
# Working folders of a run (datatrove logs, scratch) and its record; never part of a dataset.
_RUN_FOLDERS: frozenset[str] = frozenset({"logs", "work", FINGERPRINT_FILE})
# Written last, in the last commit: they describe the data files.
_CARD_FILES: tuple[str, ...] = ("stats.json", "README.md")
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
# Failures of the transport (the hub's HTTP library's base error, whichever library the
# installed huggingface_hub uses), of local files, and of the upload threads.
_TRANSFER_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    RuntimeError,
    *HfHubHTTPError.__bases__,
)


class HubPushError(RuntimeError):
    """A push that could not be done; the message says what to do."""


class PushInputError(HubPushError):
    """What was asked to be pushed is wrong (the folder, a shard, the repo id): the user's
    input, not the Hub or the network; refused before anything is sent."""


class HubTokenError(HubPushError):
    """No token, or one the endpoint rejects."""


class HubPermissionError(HubPushError):
    """The token cannot write to the repository (another owner, a read-only token or role)."""


class HubUploadInterrupted(HubPushError):
    """The upload stopped midway; running the same push again resumes it."""


@dataclass(frozen=True)
class PushConfig:
    """Where and how to push. ``endpoint`` defaults to ``HF_ENDPOINT`` or huggingface.co;
    ``token`` to ``HF_TOKEN`` or the token saved by ``hf auth login``."""

    repo_id: str
    private: bool = False
    revision: str | None = None
    commit_message: str = "Upload codepref dataset"
    max_files_per_commit: int = DEFAULT_MAX_FILES_PER_COMMIT
    endpoint: str | None = None
    token: Secret | str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "token", Secret.coerce(self.token, "HF_TOKEN"))

    @property
    def branch(self) -> str:
        return self.revision or MAIN_BRANCH

    def resolved_endpoint(self) -> str | None:
        return self.endpoint or os.environ.get("HF_ENDPOINT") or None


@dataclass(frozen=True)
class PlannedFile:
    path_in_repo: str
    local_path: Path
    size: int


@dataclass(frozen=True)
class PushPlan:
    """The files of a push grouped into commits, in upload order."""

    repo_id: str
    branch: str
    private: bool
    commits: tuple[tuple[PlannedFile, ...], ...]

    @property
    def files(self) -> list[PlannedFile]:
        return [planned for commit in self.commits for planned in commit]

    @property
    def total_bytes(self) -> int:
        return sum(planned.size for planned in self.files)

    def describe(self) -> list[str]:
        """Human-readable lines of the plan (what ``--dry-run`` prints)."""
        visibility = "private" if self.private else "public"
        lines = [
            f"dataset repo {self.repo_id} ({visibility}, created if missing), branch {self.branch}",
            f"{len(self.files)} files, {self.total_bytes:,} bytes, "
            f"in {len(self.commits)} commit(s)",
        ]
        for number, commit in enumerate(self.commits, start=1):
            size = sum(planned.size for planned in commit)
            lines.append(
                f"commit {number}/{len(self.commits)}: {len(commit)} files, {size:,} bytes"
            )
            lines.extend(f"  {planned.path_in_repo} ({planned.size:,} bytes)" for planned in commit)
        return lines


@dataclass
class PushResult:
    repo_url: str
    branch: str
    commit_urls: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


def validate_repo_id(repo_id: str) -> str:
    if not _REPO_ID.fullmatch(repo_id):
        raise PushInputError(f"--repo-id must look like ORG/NAME, got {repo_id!r}")
    return repo_id


def _check_shard_schemas(folder: Path) -> None:
    """Refuse, before any upload, a data shard whose columns are not the ``pairs`` schema
    (a missing column or a type that does not cast); reads only the Parquet footers."""
    for shard in sorted((folder / "data").rglob("*.parquet")):
        try:
            table = pq.read_schema(shard).empty_table()
        except (pa.ArrowInvalid, OSError) as error:
            raise PushInputError(
                f"{shard}: not a Parquet file ({error}), rebuild the folder with "
                "`codepref assemble`"
            ) from None
        problems = find_problems(table, PAIRS)
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:5])
            raise PushInputError(
                f"{shard}: not a pairs shard ({listed}), rebuild the folder with "
                "`codepref assemble`"
            )


def plan_push(folder: Path, config: PushConfig) -> PushPlan:
    """Every non-hidden file of a dataset folder, data first and the card last, chunked into
    commits of at most ``max_files_per_commit`` files. Needs no network."""
    validate_repo_id(config.repo_id)
    if config.max_files_per_commit < 1:
        raise HubPushError(f"max_files_per_commit must be >= 1, got {config.max_files_per_commit}")
    if not folder.is_dir():
        raise PushInputError(
            f"{folder}: no such dataset folder, give the --out of `codepref assemble`"
        )
    if not (folder / "README.md").is_file() or not any((folder / "data").rglob("*.parquet")):
        raise PushInputError(
            f"{folder}: not a dataset folder (needs README.md and data/**/*.parquet; "
            "make one with `codepref assemble`)"
        )
    _check_shard_schemas(folder)
    try:
        check_dataset_folder(folder)
    except SecretInDatasetError as error:
        raise PushInputError(str(error)) from error
    files = [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and path.relative_to(folder).parts[0] not in _RUN_FOLDERS
    ]
    relative = [path.relative_to(folder).as_posix() for path in files]
    last = [name for name in _CARD_FILES if name in relative]
    ordered = [name for name in relative if name not in last] + last
    planned = [PlannedFile(name, folder / name, (folder / name).stat().st_size) for name in ordered]
    size = config.max_files_per_commit
    commits = tuple(
        tuple(planned[index * size : (index + 1) * size])
        for index in range(math.ceil(len(planned) / size))
    )
    return PushPlan(config.repo_id, config.branch, config.private, commits)


def resolve_token(config: PushConfig) -> str:
    secret = config.token or Secret(get_token(), env="HF_TOKEN")
    token = secret.reveal() if isinstance(secret, Secret) else None
    if not token:
        raise HubTokenError(
            "no Hugging Face token: set HF_TOKEN or run `hf auth login` "
            "(a token with write access to the target namespace)"
        )
    return token


def check_namespace(whoami: dict[str, Any], repo_id: str) -> None:
    """Refuse early, before any upload, a repository the token's user cannot write to."""
    namespace = repo_id.split("/", 1)[0]
    user = whoami.get("name", "?")
    token_role = whoami.get("auth", {}).get("accessToken", {}).get("role")
    if token_role == "read":
        raise HubPermissionError(
            f"the token of {user!r} is read-only; create a write token to push {repo_id}"
        )
    if namespace == user:
        return
    roles = {org.get("name"): org.get("roleInOrg") for org in whoami.get("orgs", [])}
    if namespace not in roles:
        member_of = ", ".join(sorted(name for name in roles if name)) or "no organisation"
        raise HubPermissionError(
            f"{repo_id} belongs to {namespace!r}, but the token is {user!r}'s "
            f"(member of: {member_of}); push to {user}/{repo_id.split('/', 1)[1]} or use a "
            f"token of {namespace!r}"
        )
    if roles[namespace] == "read":
        raise HubPermissionError(
            f"{user!r} has the read role in {namespace!r} and cannot push {repo_id}"
        )


def push_dataset(
    folder: Path,
    config: PushConfig,
    api: HfApi | None = None,
    on_commit: Callable[[int, int, str], None] | None = None,
) -> PushResult:
    """Create the dataset repo (and branch) if needed and upload the folder per its plan.
    ``on_commit(number, total, url)`` is called after each commit, for progress display."""
    plan = plan_push(folder, config)
    token = resolve_token(config)
    api = api or HfApi(endpoint=config.resolved_endpoint(), token=token)
    try:
        whoami = api.whoami(token=token)
    except HfHubHTTPError as error:
        raise _classify(error, config, 0, len(plan.commits)) from error
    except _TRANSFER_ERRORS as error:
        raise HubUploadInterrupted(
            f"cannot reach the Hub at {api.endpoint}: {error}; nothing was uploaded"
        ) from error
    check_namespace(whoami, config.repo_id)
    result = PushResult(
        repo_url="", branch=plan.branch, files=len(plan.files), bytes=plan.total_bytes
    )
    done = 0
    try:
        result.repo_url = str(
            api.create_repo(
                config.repo_id,
                repo_type="dataset",
                private=config.private,
                exist_ok=True,
                token=token,
            )
        )
        if plan.branch != MAIN_BRANCH:
            api.create_branch(
                config.repo_id, branch=plan.branch, repo_type="dataset", exist_ok=True, token=token
            )
        for number, files in enumerate(plan.commits, start=1):
            message = config.commit_message
            if len(plan.commits) > 1:
                message = f"{message} ({number}/{len(plan.commits)})"
            info = api.create_commit(
                config.repo_id,
                [CommitOperationAdd(f.path_in_repo, str(f.local_path)) for f in files],
                commit_message=message,
                repo_type="dataset",
                revision=plan.branch,
                token=token,
            )
            done = number
            result.commit_urls.append(info.commit_url)
            if on_commit is not None:
                on_commit(number, len(plan.commits), info.commit_url)
    except ValueError as error:
        if "metadata" in str(error):
            raise HubPushError(f"the Hub rejected the dataset card of {folder}: {error}") from error
        raise
    except _TRANSFER_ERRORS as error:
        raise _classify(error, config, done, len(plan.commits)) from error
    return result


def _status(error: BaseException) -> int | None:
    """The HTTP status behind an error, looking through wrapped causes (upload threads wrap
    the HTTP error of one file in a RuntimeError)."""
    seen: BaseException | None = error
    while seen is not None:
        response = getattr(seen, "response", None)
        if isinstance(seen, HfHubHTTPError) and response is not None:
            return response.status_code
        seen = seen.__cause__ or seen.__context__
    return None


def _classify(error: BaseException, config: PushConfig, done: int, total: int) -> HubPushError:
    status = _status(error)
    cause = mask(str(error))  # a Hub error may echo the request, header included
    if status == 401:
        return HubTokenError(
            f"the endpoint rejected the token (401): {cause}. Set a valid HF_TOKEN or run "
            "`hf auth login --force`"
        )
    if status == 403:
        return HubPermissionError(
            f"not allowed to write to {config.repo_id} (403): {cause}. The repository may "
            "belong to someone else, or the token lacks write access to it"
        )
    return HubUploadInterrupted(
        f"upload to {config.repo_id}@{config.branch} interrupted after {done} of {total} "
        f"commit(s): {cause}. Run the same push again to resume: content already on the Hub "
        "is not uploaded twice"
    )

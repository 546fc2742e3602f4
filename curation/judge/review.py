"""Commit review: a 1-5 rating of how much a commit improves a named aspect.

The scale is the published one (1 regression, 2 no effect, 3 slight, 4 significant,
5 must-have and specific). With k samples the rating is their mean over the answers that
parse; a commit whose answers all fail to parse gets no rating and is counted, not kept.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from curation.criteria import normalize_aspect
from curation.judge.backends.base import Backend, ProgressCallback
from curation.judge.cache import ResponseCache
from curation.judge.parsing import parse_rating
from curation.judge.prompts import commit_review_prompt
from curation.judge.requests import ChatRequest, Sampling
from curation.languages import normalize_language

# Commit reviews are rated once, greedily, unless asked otherwise.
REVIEW_SAMPLING = Sampling(n=1, temperature=0.0, top_p=1.0, max_tokens=1024)


class BadCommitError(ValueError):
    """A commit row that cannot be reviewed; the message names the row."""


def unified_diff(old: str, new: str, path: str = "file") -> str:
    """A unified diff of two versions of a file, for rows that carry none."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


@dataclass(frozen=True)
class CommitToReview:
    """The fields of a single-file commit that the reviewer reads."""

    id: str
    language: str
    aspect: str
    message: str
    old_code: str
    new_code: str
    diff: str
    path: str = ""

    @classmethod
    def from_row(
        cls, row: Mapping[str, object], aspect: str | None = None, where: str = "row"
    ) -> CommitToReview:
        """A commit from a ``commits`` row. The aspect is ``aspect`` if given, else the
        row's ``aspect``, else the first of its ``aspects``."""
        row_aspects = row.get("aspects") or []
        chosen_aspect = aspect or row.get("aspect") or (row_aspects[0] if row_aspects else None)
        required = ("id", "language", "old_contents", "new_contents")
        missing = [name for name in required if row.get(name) is None]
        if chosen_aspect is None:
            missing.append("aspect (or aspects)")
        if missing:
            raise BadCommitError(f"{where}: missing {', '.join(missing)}")
        path = str(row.get("path") or "")
        old, new = str(row["old_contents"]), str(row["new_contents"])
        try:
            return cls(
                id=str(row["id"]),
                language=normalize_language(str(row["language"])),
                aspect=normalize_aspect(str(chosen_aspect)),
                message=str(row.get("message") or row.get("subject") or ""),
                old_code=old,
                new_code=new,
                diff=str(row.get("diff") or unified_diff(old, new, path or "file")),
                path=path,
            )
        except ValueError as error:
            raise BadCommitError(f"{where} (id {row['id']}): {error}") from error

    def request(self, sampling: Sampling = REVIEW_SAMPLING) -> ChatRequest:
        prompt = commit_review_prompt(
            aspect=self.aspect,
            language=self.language,
            message=self.message,
            old_code=self.old_code,
            new_code=self.new_code,
            diff=self.diff,
            path=self.path,
        )
        return ChatRequest.from_messages(prompt.messages(), sampling)


@dataclass
class CommitRating:
    """The reviewer's ratings of one commit."""

    commit_id: str
    judge: str
    aspect: str
    ratings: list[int] = field(default_factory=list)
    rationales: list[str] = field(default_factory=list)
    raw_responses: list[str] = field(default_factory=list)
    parse_errors: Counter[str] = field(default_factory=Counter)

    @property
    def rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    def row(self) -> dict[str, object]:
        """A row of the ``judgements`` table (no votes, no order: a rating)."""
        return {
            "pair_id": self.commit_id,
            "judge": self.judge,
            "aspect": self.aspect,
            "votes": None,
            "rating": self.rating,
            "order": None,
            "rationales": self.rationales,
            "raw_responses": self.raw_responses,
        }


class CommitReviewer:
    """Rates batches of commits with one backend; keeps counts of outcomes."""

    def __init__(
        self,
        backend: Backend,
        sampling: Sampling = REVIEW_SAMPLING,
        cache: ResponseCache | None = None,
        min_rating: float = 4.0,
    ) -> None:
        self.backend = backend
        self.sampling = sampling
        self.cache = cache
        self.min_rating = min_rating
        self.outcomes: Counter[str] = Counter()
        self.parse_errors: Counter[str] = Counter()

    def keeps(self, rating: CommitRating) -> bool:
        return rating.rating is not None and rating.rating >= self.min_rating

    def rate(
        self, commits: Sequence[CommitToReview], progress: ProgressCallback | None = None
    ) -> list[CommitRating]:
        completions = self.backend.generate(
            [commit.request(self.sampling) for commit in commits],
            cache=self.cache,
            progress=progress,
        )
        results = []
        for commit, completion in zip(commits, completions, strict=True):
            result = CommitRating(commit.id, self.backend.model, commit.aspect)
            for text in completion.texts[: self.sampling.n]:
                parsed = parse_rating(text)
                result.raw_responses.append(text)
                result.rationales.append(parsed.rationale)
                if parsed.ok:
                    result.ratings.append(parsed.value)
                else:
                    result.parse_errors[parsed.error] += 1
            lost = self.sampling.n - len(completion.texts[: self.sampling.n])
            if lost:
                result.parse_errors["request_failed"] += lost
            self.parse_errors.update(result.parse_errors)
            if result.rating is None:
                self.outcomes["no_valid_rating"] += 1
            elif self.keeps(result):
                self.outcomes["kept"] += 1
            else:
                self.outcomes["below_min_rating"] += 1
            results.append(result)
        return results

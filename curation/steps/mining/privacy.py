"""The privacy step of the mining pipeline: no secret and no personal data is written.

It runs in the ``write`` stage after deduplication and before the unified diff, so only
commits that will be written pay for the scan (a few milliseconds each, against the
parse and the blob reads that every candidate costs), and the diff is built from the
cleaned contents. Counts, all in ``stats.json``'s ``privacy`` block:

- ``secret/<detector>``: commits with a finding of that detector, ``secret_findings``:
  findings; under the ``drop`` policy each such commit is ``dropped_secret``, under
  ``redact`` its secrets become ``<SECRET_n>`` on both sides (``secret_redacted``);
- ``pii/<kind>``: replacements of e-mails, IP addresses, key-like strings and trailers.

A commit whose two sides become identical once cleaned (only a key changed) is dropped
as ``identical_after_redaction``: it is no longer a change.
"""

from __future__ import annotations

from collections import Counter

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched

from curation.privacy.pii import PiiRedactor
from curation.privacy.secrets import SecretPolicy, SecretScanner, placeholders, redact
from curation.steps.mining.readers import tally

# Stats keys of this step that the report gathers into its ``privacy`` block.
PRIVACY_PREFIXES: tuple[str, ...] = ("secret/", "pii/", "secret_")
_TEXT_FIELDS = ("old_contents", "message", "subject", "diff")


class PrivacyGuard(PipelineStep):
    """Drops (or redacts) commits with secrets and replaces personal data; see the module."""

    type = "🔻 - FILTER"
    name = "🔐 secrets and personal data"

    def __init__(self, policy: SecretPolicy | str = SecretPolicy.DROP, batch_size: int = 64):
        super().__init__()
        self.policy = SecretPolicy(policy)
        self.batch_size = batch_size

    def clean(self, doc: Document, scanner: SecretScanner, counts: Counter[str]) -> str | None:
        """Cleans ``doc`` in place; returns the drop reason, or ``None`` to keep it."""
        meta = doc.metadata
        findings = scanner.scan(
            [("new_contents", doc.text), *((name, meta.get(name)) for name in _TEXT_FIELDS)],
            meta.get("path") or "",
        )
        if findings:
            counts["secret_findings"] += len(findings)
            counts.update(f"secret/{slug}" for slug in {f.slug for f in findings})
            if self.policy is SecretPolicy.DROP:
                return "secret"
            mapping = placeholders(findings)
            counts["secret_redacted"] += len(mapping)
            doc.text = redact(doc.text, mapping)
            for name in _TEXT_FIELDS:
                if meta.get(name):
                    meta[name] = redact(meta[name], mapping)
        pii = PiiRedactor()
        doc.text = pii.redact(doc.text) or ""
        meta["old_contents"] = pii.redact(meta["old_contents"]) or ""
        meta["diff"] = pii.redact(meta.get("diff"))
        meta["message"] = pii.redact(meta.get("message"), message=True)
        meta["subject"] = pii.redact(meta.get("subject"), message=True)
        counts.update({f"pii/{kind}": n for kind, n in pii.counts.items() if n})
        if meta["old_contents"] == doc.text:
            return "identical_after_redaction"
        return None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        scanner = SecretScanner()
        for batch in batched(data, self.batch_size):
            counts: Counter[str] = Counter()
            kept = []
            with self.track_time("batch"):
                for doc in batch:
                    reason = self.clean(doc, scanner, counts)
                    if reason is None:
                        kept.append(doc)
                    else:
                        counts[f"dropped_{reason}"] += 1
            counts["dropped"] = len(batch) - len(kept)
            counts["forwarded"] = len(kept)
            tally(self, counts)
            yield from kept


def privacy_counts(steps: list[dict[str, float]], policy: str) -> dict:
    """The ``privacy`` block of ``stats.json`` from the stats of a stage's steps."""
    secrets: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for step in steps:
        for key, value in step.items():
            if key.startswith("secret/"):
                secrets[key.removeprefix("secret/")] += int(value)
            elif key.startswith("pii/"):
                pii[key.removeprefix("pii/")] += int(value)
            elif key in ("secret_findings", "secret_redacted", "dropped_secret"):
                totals[key] += int(value)
    return {
        "secret_policy": policy,
        "secret_findings": totals["secret_findings"],
        "commits_with_secrets_by_detector": dict(sorted(secrets.items())),
        "dropped_secret": totals["dropped_secret"],
        "secrets_redacted": totals["secret_redacted"],
        "pii_replacements": dict(sorted(pii.items())),
    }

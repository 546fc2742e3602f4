"""LLM bug injection: ask a judge backend for a wrong variant of each trusted solution.

The variant is only a candidate. It joins the problem's solutions (origin ``llm``, meta
``kind: bug_introduction``) and goes through the sandbox like every other solution; the
pairing step then makes it a rejected side only if it compiled and failed a test while a
trusted solution passed. A variant that still passes every test is a failed injection:
like an equivalent mutant it is counted, never paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.judge.backends import BackendConfig, make_backend
from curation.judge.requests import Sampling
from curation.judge.synthesis import SYNTHESIS_SAMPLING, Synthesis, Synthesizer, bug_task
from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_of, solutions_of

BUG_KIND = "bug_introduction"


@dataclass(frozen=True)
class BugInjectionConfig:
    backend: BackendConfig
    origins: tuple[str, ...] = ("reference", "human")
    sampling: Sampling = field(default_factory=lambda: SYNTHESIS_SAMPLING)


def bug_solutions(
    problem: Problem, parents: Sequence[Solution], syntheses: Sequence[Synthesis], model: str
) -> list[Solution]:
    """The parsed variants as solutions; answers that failed to parse are left out."""
    variants = []
    for parent, synthesis in zip(parents, syntheses, strict=True):
        if synthesis.text is None:
            continue
        meta = {"kind": BUG_KIND, "parent": parent.id, "model": model}
        variants.append(
            Solution.made(
                f"{parent.id}/llm-bug", problem.id, parent.language, synthesis.text, "llm", meta
            )
        )
    return variants


class InjectBugs(PipelineStep):
    """Appends one LLM-written wrong variant per trusted solution to each document.

    Requests of all documents go to the backend together (it batches and caches); the
    answers' parse outcomes are counted in the step's stats (``bug_ok``, ``bug_<error>``).
    """

    name = "🐛 Inject bugs"
    type = "🧪 - EXECUTION"

    def __init__(self, config: BugInjectionConfig) -> None:
        super().__init__()
        self.config = config

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        documents = list(data or ())
        jobs: list[tuple[Problem, list[Solution]]] = []
        tasks = []
        for document in documents:
            problem = problem_of(document)
            parents = [s for s in solutions_of(document) if s.origin in self.config.origins]
            jobs.append((problem, parents))
            tasks.extend(
                bug_task(s.id, language=s.language, prompt=problem.prompt, solution=s.code)
                for s in parents
            )
        backend = make_backend(self.config.backend)
        synthesizer = Synthesizer(backend, sampling=self.config.sampling)
        with self.track_time(unit="batch"):
            syntheses = synthesizer.run(tasks) if tasks else []
        for outcome, count in synthesizer.outcomes.items():
            self.stat_update(f"bug_{outcome}", value=count)
        position = 0
        for document, (problem, parents) in zip(documents, jobs, strict=True):
            answers = syntheses[position : position + len(parents)]
            position += len(parents)
            variants = bug_solutions(problem, parents, answers, backend.model)
            document.metadata["solutions"].extend(variant.to_row() for variant in variants)
            yield document

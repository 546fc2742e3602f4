"""Exact and MinHash near-dedup of mined commits, on datatrove's dedup stages.

Exact dedup uses datatrove's ``ExactDedup*`` stages with the change key of
``curation.dedup.exact_key``. Near-dedup uses datatrove's MinHash bucket, cluster and
filter stages unchanged; only the signatures are made here, in two steps:

1. :class:`CodeMinhashSignature` runs in the mine stage, right behind the shard writer: it
   shingles the code tokens of each written commit's new contents, taking the parse the
   syntax filter left on the document (no second parse, no re-read of the shard), and
   appends the signatures, unsorted, to one file per band.
2. :class:`ExactDedupedSignatures` runs in the bucket stage, once exact duplicates are
   known: it drops their signatures, renumbers the rest to the positions the write stage
   will see behind its exact-dedup filter, and writes datatrove's sorted signature files.
   :class:`SortedMinhashBuckets` then finds the pairs as datatrove's bucket stage does.

Exact duplicates must leave before clustering: datatrove keeps one document per MinHash
cluster, and if that one were an exact duplicate the exact filter would drop it as well,
losing the whole cluster.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from pathlib import Path

import numpy as np
from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.exact_dedup import ExactDedupConfig
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
from datatrove.utils.batching import batched
from datatrove.utils.hashing import HashConfig
from datatrove.utils.typeshelper import ExtensionHelperSD

from curation.dedup import (
    CODE_MINHASH_CONFIG,
    MERSENNE_PRIME,
    MinhashSigner,
    band_dtype,
    band_records,
    code_shingles,
    code_tokens,
    duplicate_pairs,
    exact_key,
    shingle_hash_func,
)
from curation.steps.mining.filters import PARSED_NEW
from curation.steps.mining.readers import tally

SIGNATURE_SUFFIX = ".minhash.sig"


def change_key(doc: Document) -> bytes:
    return exact_key(doc.metadata["old_contents"], doc.text)


def exact_dedup_config() -> ExactDedupConfig:
    return ExactDedupConfig(content_getter=change_key, hash_config=HashConfig(64, "xxhash"))


def band_file(band: int, task: int) -> str:
    """A task's signature file of one band, in datatrove's naming."""
    return f"bucket_{band:03d}/{task:05d}{SIGNATURE_SUFFIX}"


class CodeMinhashSignature(PipelineStep):
    """Signs the new contents of every document it receives, and passes them on.

    Records are numbered by the document's position in this task's stream, which is its
    row in the task's shard (the writer sits just before). Documents without any token
    get no signature, as in datatrove: they cannot be near duplicates.
    """

    type = "🫂 - DEDUP"
    name = "🎯 MinHash signatures (code tokens)"

    def __init__(
        self, output_folder: DataFolderLike, config: MinhashConfig | None = None, block: int = 256
    ) -> None:
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.config = config or CODE_MINHASH_CONFIG
        self.block = block

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        config = self.config
        signer = MinhashSigner(config)
        hash_func = shingle_hash_func(config.hash_config)
        files = [
            self.output_folder.open(band_file(band, rank), mode="wb")
            for band in range(config.num_buckets)
        ]
        start = 0
        try:
            for batch in batched(data, self.block):
                with self.track_time("batch"):
                    shingles: list[np.ndarray] = []
                    positions: list[int] = []
                    for position, doc in enumerate(batch, start):
                        parsed = doc.metadata.pop(PARSED_NEW, None)
                        source = doc.text if parsed is None else parsed
                        tokens = code_tokens(source, doc.metadata["language"])
                        # a signature is a minimum per hash function, the same over the
                        # set as over the list; code repeats itself (4 shingles in 10 on a
                        # C history), and signing costs per shingle
                        hashes = np.unique(code_shingles(tokens, config.n_grams, hash_func))
                        if hashes.size:
                            shingles.append(hashes)
                            positions.append(position)
                    if shingles:
                        signatures = signer.sign(shingles)
                        ids = np.asarray(positions, dtype=np.uint32)
                        for band, file in enumerate(files):
                            file.write(band_records(signatures, ids, band, config).tobytes())
                tally(self, Counter(signed=len(shingles), no_tokens=len(batch) - len(shingles)))
                start += len(batch)
                yield from batch
        finally:
            for file in files:
                file.close()


def task_bands(rank: int, world_size: int, bands: int) -> range:
    """The bands task ``rank`` of ``world_size`` handles: one each when there are as many
    tasks as bands, several when fewer tasks share them (a small run need not start 14)."""
    return range(rank, bands, world_size)


class ExactDedupedSignatures(PipelineStep):
    """Band signature files without exact duplicates, sorted for datatrove.

    Runs in the bucket stage, before the bucket step in the same task, for the bands of
    :func:`task_bands`. Reads the raw band records of every mine task from ``raw_folder``
    and the duplicates found by ``ExactFindDedups`` in ``exact_dups_folder``; writes
    ``output_folder/bucket_<band>/<task>.minhash.sig``.
    """

    type = "🫂 - DEDUP"
    name = "🎯 MinHash signatures minus exact duplicates"

    def __init__(
        self,
        raw_folder: DataFolderLike,
        exact_dups_folder: DataFolderLike,
        output_folder: DataFolderLike,
        config: MinhashConfig | None = None,
    ) -> None:
        super().__init__()
        self.raw_folder = get_datafolder(raw_folder)
        self.exact_dups_folder = get_datafolder(exact_dups_folder)
        self.output_folder = get_datafolder(output_folder)
        self.config = config or CODE_MINHASH_CONFIG

    def duplicates(self, task: int) -> np.ndarray:
        """Sorted positions of the exact duplicates of one mine task (all finder shards)."""
        suffix = f"/{task:05d}{ExtensionHelperSD.stage_2_duplicates}"
        folders = self.exact_dups_folder.list_files(include_directories=True, recursive=False)
        found = []
        for name in (f"{folder}{suffix}" for folder in folders):
            if self.exact_dups_folder.exists(name):
                with self.exact_dups_folder.open(name, "rb") as file:
                    found.append(np.frombuffer(file.read(), dtype="<u4"))
        return np.sort(np.concatenate(found)) if found else np.empty(0, dtype="<u4")

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        """Not a generator: it runs when the task builds its pipeline, ahead of the bucket
        step, which must receive no documents."""
        dtype = band_dtype(self.config)
        position = dtype.names[-1]
        duplicates: dict[int, np.ndarray] = {}
        with self.track_time():
            for band in task_bands(rank, world_size, self.config.num_buckets):
                for name in self.raw_folder.list_files(subdirectory=f"bucket_{band:03d}"):
                    task = int(Path(name).name.removesuffix(SIGNATURE_SUFFIX))
                    with self.raw_folder.open(name, "rb") as file:
                        records = np.frombuffer(file.read(), dtype=dtype).copy()
                    if task not in duplicates:
                        duplicates[task] = self.duplicates(task)
                    dups = duplicates[task]
                    kept = records[~np.isin(records[position], dups)]
                    # positions behind the exact filter: minus the duplicates that came before
                    kept[position] -= np.searchsorted(dups, kept[position]).astype("<u4")
                    # the order of kept.sort(order=dtype.names), a quarter of the time
                    kept = kept[np.lexsort([kept[field] for field in reversed(dtype.names)])]
                    with self.output_folder.open(band_file(band, task), mode="wb") as file:
                        file.write(kept.tobytes())
                    self.stat_update("signatures", value=len(kept))
                    self.stat_update("exact_duplicates_removed", value=len(records) - len(kept))


class SortedMinhashBuckets(MinhashDedupBuckets):
    """datatrove's bucket stage, with a band's signature files merged by one numpy sort.

    datatrove merges the sorted files of a band through a heap of one Python object per
    signature, which made this the slowest stage after mining itself. The sort finds the
    same pairs and writes the same ``.dups`` file, byte for byte; local files are read
    through memory maps, a slice of hash values at a time, so memory stays bounded. A task
    may take several bands (:func:`task_bands`). Deduplicating against an index is not
    supported (the mining pipeline has none).
    """

    name = "🎯 MinHash stage 2 (sorted merge)"
    # Records per merge slice (about 68 MB for 8 hashes per band).
    slice_records = 1 << 20

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        if self.index_folder is not None:
            raise ValueError(f"{type(self).__name__} does not dedup against an index")
        if data is not None:
            raise ValueError(f"{type(self).__name__} takes no documents")
        with self.track_time():
            for band in task_bands(rank, world_size, self.config.num_buckets):
                self.merge_band(band)

    def merge_band(self, band: int) -> None:
        dtype = band_dtype(self.config)
        names = self.input_folder.list_files(subdirectory=f"bucket_{band:03d}")
        tasks = [int(Path(name).name.removesuffix(SIGNATURE_SUFFIX)) for name in names]
        records = [self._records(name, dtype) for name in names]
        total = sum(len(band_records) for band_records in records)
        # datatrove ignores records whose first hash reaches this bound; so do we
        hashing = self.config.hash_config
        limit = int(MERSENNE_PRIME if hashing.precision == 64 else hashing.max)
        slices = -(-total // self.slice_records) or 1
        edges = [limit * index // slices for index in range(slices + 1)]
        with self.output_folder.open(f"{band:05d}_00.dups", mode="wb") as out:
            for low, high in itertools.pairwise(edges):
                pairs = duplicate_pairs([_hash_slice(r, low, high) for r in records], tasks)
                out.write(pairs.tobytes())
                self.stat_update("total_matches", value=len(pairs))

    def _records(self, name: str, dtype: np.dtype) -> np.ndarray:
        if not self.input_folder.is_local():
            with self.input_folder.open(name, "rb") as file:
                return np.frombuffer(file.read(), dtype=dtype)
        path = self.input_folder.resolve_paths(name)
        if os.path.getsize(path) == 0:
            return np.empty(0, dtype=dtype)
        return np.memmap(path, dtype=dtype, mode="r")


def _hash_slice(records: np.ndarray, low: int, high: int) -> np.ndarray:
    """The sorted records whose first hash lies in [low, high); records with equal hashes
    share their first hash, so no pair spans two slices."""
    first = records[records.dtype.names[0]]
    start, end = np.searchsorted(first, np.array([low, high], dtype=first.dtype))
    return records[start:end]

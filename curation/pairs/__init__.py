"""The pair contract: what a preference pair is, in one home.

- :mod:`~curation.pairs.columns`: canonical column names and the aliases accepted on read;
- :mod:`~curation.pairs.system`: system-prompt modes (``none``/``aspect``/``all``) and their
  seeded per-pair draw;
- :mod:`~curation.pairs.render`: the renderer of (system, prompt, response) into token ids
  for chat-template and plain models, truncation included;
- :mod:`~curation.pairs.files`: resolution of pair files (paths, folders, globs, Hub ids).

``curation`` writes pairs through it; ``rm`` and ``bench`` read them through it. Like
``curation.languages``, ``curation.criteria`` and ``curation.schema`` it imports nothing
else from codepref, so every package may import it.
"""

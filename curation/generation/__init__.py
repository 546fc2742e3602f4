"""Candidate generation: prompts of our own wording, strict code extraction, and the
candidates as ``solutions`` rows (see :mod:`curation.steps.generation.candidates`)."""

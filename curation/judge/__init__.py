"""LLM judging: prompts, backends, the A/B protocol, vote aggregation and strict parsing."""

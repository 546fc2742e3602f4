"""Execution backends: a Docker engine with a warm container pool, or plain processes."""

"""Isolated execution of untrusted code in the 8 languages (Docker engine or processes)."""

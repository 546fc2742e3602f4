"""Candidate generation steps: sample candidates, top up test inputs, measure test suites."""

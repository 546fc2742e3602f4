"""End-to-end pipelines on datatrove executors, the demo and the ``codepref`` CLI."""

"""datatrove PipelineSteps that wrap codepref's curation logic (one module per stage)."""

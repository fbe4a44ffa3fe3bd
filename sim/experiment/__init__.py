"""Layer 4, experiments: the Hydra schema and front door, the pre-run check of every job,
replications with their run-level metrics and intervals, and a job's files on disk."""

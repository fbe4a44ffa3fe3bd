"""Layer 5, analysis: reads a sweep's files back into tidy tables, compares designs pair by
pair, holds results against queueing theory, and draws the report and its charts."""

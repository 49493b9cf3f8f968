"""Evaluation: datasets and metrics for retrieval and answers over the sample corpus and public benchmarks."""

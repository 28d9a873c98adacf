"""Featurizers per format, batching, multi-task mixing, MLM masking, host sharding."""

"""Featurizers per format, batching, multi-task mixing, MLM masking, host sharding; the
downloader of the raw releases (`download.py`)."""

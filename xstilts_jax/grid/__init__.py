"""The paper's grid of runs as one command (`python -m xstilts_jax.grid`): cells as data
(cells.py), one subprocess per run (runner.py), each run's state (state.py), the paper's
tables (aggregate.py); studies of named groups of runs live in report/study.py."""

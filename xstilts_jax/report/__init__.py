"""Reports of XTREME scores: tables (markdown, CSV, JSON), plots, run comparisons.

Stands on nothing else of ours: it reads the scores dict `xstilts_jax.eval.score` produces.
Names are loaded on first use, so `report.benchmark` (which the scorer uses) comes without
matplotlib.
"""

import importlib

_MODULE_OF = {
  'benchmark_score': 'benchmark', 'compare_runs': 'compare', 'markdown_report': 'tables',
  'summarize': 'summary', 'task_summary': 'summary', 'write_json': 'tables',
  'write_markdown': 'tables', 'write_report': 'write', 'write_scores_csv': 'tables',
  'write_summary_csv': 'tables',
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
  if name not in _MODULE_OF:
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
  return getattr(importlib.import_module(f'{__name__}.{_MODULE_OF[name]}'), name)

"""Reports of XTREME scores: tables (markdown, CSV, JSON), plots, run comparisons.

Stands on nothing else of ours: it reads the scores dict `xstilts_jax.eval.score` produces.
"""

from xstilts_jax.report.compare import compare_runs
from xstilts_jax.report.summary import summarize, task_summary
from xstilts_jax.report.tables import (markdown_report, write_json, write_markdown,
                                       write_scores_csv, write_summary_csv)
from xstilts_jax.report.write import write_report

__all__ = ['compare_runs', 'markdown_report', 'summarize', 'task_summary', 'write_json',
           'write_markdown', 'write_report', 'write_scores_csv', 'write_summary_csv']

"""XTREME's metrics, computed exactly as its official scorer does (values in percent)."""

from xstilts_jax.eval.metrics.accuracy import accuracy
from xstilts_jax.eval.metrics.bucc import bucc_prf
from xstilts_jax.eval.metrics.mlqa import mlqa_evaluate, mlqa_normalize_answer
from xstilts_jax.eval.metrics.ranking import map_at_k
from xstilts_jax.eval.metrics.seqeval import chunk_prf, get_entities
from xstilts_jax.eval.metrics.squad import squad_evaluate, squad_normalize_answer
from xstilts_jax.eval.metrics.squad_v2 import squad_v2_evaluate

__all__ = [
  'accuracy', 'bucc_prf', 'chunk_prf', 'get_entities', 'map_at_k', 'mlqa_evaluate',
  'mlqa_normalize_answer', 'squad_evaluate', 'squad_normalize_answer',
  'squad_v2_evaluate',
]

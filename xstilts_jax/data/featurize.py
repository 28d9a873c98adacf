"""`featurize(task, examples, tokenizer, max_seq_length, **options) -> Features`, by format."""

from xstilts_jax.data import (classification, mlm, multiple_choice, ranking, retrieval, span_qa,
                              tagging)

FEATURIZERS = {
    'classification': classification.featurize,
    'multiple_choice': multiple_choice.featurize,
    'span_qa': span_qa.featurize,
    'tagging': tagging.featurize,
    'retrieval': retrieval.featurize,
    'mlm': mlm.featurize,
    'ranking': ranking.featurize,
}


def featurize(task, examples, tokenizer, max_seq_length=None, **options):
  """Fixed-shape features of `examples` (typed, `tasks/examples.py`) for the task's format.

  `max_seq_length` defaults to the task's. Options: span_qa `doc_stride` (128),
  `max_query_length` (64); ranking `max_query_length`, `max_candidate_length` (0: the
  length), `candidate_context` ('concat'). Retrieval takes sentences (str or `.text`) for
  `examples`; ranking takes training pairs (`data.ranking.featurize_corpus` an evaluation
  corpus).
  """
  if task.format not in FEATURIZERS:
    raise ValueError(f'task {task.name!r}: no featurizer for format {task.format!r}')
  return FEATURIZERS[task.format](task, examples, tokenizer,
                                  max_seq_length or task.max_seq_length, **options)

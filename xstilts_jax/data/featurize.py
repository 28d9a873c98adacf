"""`featurize(task, examples, tokenizer, max_seq_length, **options) -> Features`, by format."""

from xstilts_jax.data import classification, mlm, multiple_choice, retrieval, span_qa, tagging

FEATURIZERS = {
    'classification': classification.featurize,
    'multiple_choice': multiple_choice.featurize,
    'span_qa': span_qa.featurize,
    'tagging': tagging.featurize,
    'retrieval': retrieval.featurize,
    'mlm': mlm.featurize,
}


def featurize(task, examples, tokenizer, max_seq_length=None, **options):
  """Fixed-shape features of `examples` (typed, `tasks/examples.py`) for the task's format.

  `max_seq_length` defaults to the task's. Options: span_qa `doc_stride` (128),
  `max_query_length` (64). Retrieval takes sentences (str or `.text`) for `examples`.
  """
  if task.format not in FEATURIZERS:
    raise ValueError(f'task {task.name!r}: no featurizer for format {task.format!r}')
  return FEATURIZERS[task.format](task, examples, tokenizer,
                                  max_seq_length or task.max_seq_length, **options)

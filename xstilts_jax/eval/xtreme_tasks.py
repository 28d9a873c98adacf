"""The nine XTREME tasks as the official scorer sees them: languages, files, labels, metric.

File suffixes and metrics follow google-research/xtreme `evaluate.py`; task averages are
over exactly the registry's language lists, which are XTREME's.
"""

import dataclasses

from xstilts_jax.tasks import languages
from xstilts_jax.tasks.readers import conllu, panx, pawsx, xnli

@dataclasses.dataclass(frozen=True)
class XtremeTask:
  name: str
  kind: str            # 'label' (one per line), 'tags', 'pairs' (BUCC), 'qa' (SQuAD JSON)
  category: str
  langs: tuple
  metrics: tuple       # metric names per language, the first is the headline
  labels: tuple = ()   # allowed label / tag values; empty = any (Tatoeba: any index)

  @property
  def suffix(self):
    return 'json' if self.kind == 'qa' else 'tsv'


CATEGORIES = ('classification', 'structured prediction', 'question answering',
              'sentence retrieval')

# Languages and labels come from the task registry, so the scorer and the data agree.
TASKS = {t.name: t for t in [
  XtremeTask('xnli', 'label', 'classification', languages.XNLI, ('accuracy',), xnli.LABELS),
  XtremeTask('pawsx', 'label', 'classification', languages.PAWSX, ('accuracy',), pawsx.LABELS),
  XtremeTask('udpos', 'tags', 'structured prediction', languages.UDPOS,
             ('f1', 'precision', 'recall'), conllu.UPOS),
  XtremeTask('panx', 'tags', 'structured prediction', languages.PANX,
             ('f1', 'precision', 'recall'), panx.LABELS),
  XtremeTask('xquad', 'qa', 'question answering', languages.XQUAD, ('f1', 'exact_match')),
  XtremeTask('mlqa', 'qa', 'question answering', languages.MLQA, ('f1', 'exact_match')),
  XtremeTask('tydiqa', 'qa', 'question answering', languages.TYDIQA, ('f1', 'exact_match')),
  XtremeTask('bucc2018', 'pairs', 'sentence retrieval', languages.BUCC,
             ('f1', 'precision', 'recall')),
  XtremeTask('tatoeba', 'label', 'sentence retrieval', languages.TATOEBA, ('accuracy',)),
]}


def get_xtreme_task(name):
  if name not in TASKS:
    raise ValueError(f'unknown XTREME task {name!r}; known: {sorted(TASKS)}')
  return TASKS[name]


def task_number(task, metrics):
  """The number a task contributes to the XTREME score: (EM + F1) / 2 for QA, else its
  headline metric (accuracy or F1)."""
  if task.kind == 'qa':
    return (metrics['exact_match'] + metrics['f1']) / 2
  return metrics[task.metrics[0]]

"""The nine XTREME tasks as the official scorer sees them: languages, files, labels, metric.

Language lists, groups and file suffixes follow google-research/xtreme `evaluate.py`; task
averages are over exactly these lists.
"""

import dataclasses

# XNLI label names; index order is the project's NLI order (0 contradiction, 1 entailment,
# 2 neutral), so integer predictions map onto these names.
XNLI_LABELS = ('contradiction', 'entailment', 'neutral')
PAWSX_LABELS = ('0', '1')
UDPOS_TAGS = ('ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART',
              'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X')
PANX_TAGS = ('O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC')


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


def _langs(text):
  return tuple(text.split(','))


CATEGORIES = ('classification', 'structured prediction', 'question answering',
              'sentence retrieval')

TASKS = {t.name: t for t in [
  XtremeTask('xnli', 'label', 'classification',
             _langs('ar,bg,de,el,en,es,fr,hi,ru,sw,th,tr,ur,vi,zh'), ('accuracy',), XNLI_LABELS),
  XtremeTask('pawsx', 'label', 'classification', _langs('de,en,es,fr,ja,ko,zh'),
             ('accuracy',), PAWSX_LABELS),
  XtremeTask('udpos', 'tags', 'structured prediction',
             _langs('af,ar,bg,de,el,en,es,et,eu,fa,fi,fr,he,hi,hu,id,it,ja,kk,ko,mr,nl,pt,ru,'
                    'ta,te,th,tl,tr,ur,vi,yo,zh'), ('f1', 'precision', 'recall'), UDPOS_TAGS),
  XtremeTask('panx', 'tags', 'structured prediction',
             _langs('ar,he,vi,id,jv,ms,tl,eu,ml,ta,te,af,nl,en,de,el,bn,hi,mr,ur,fa,fr,it,pt,'
                    'es,bg,ru,ja,ka,ko,th,sw,yo,my,zh,kk,tr,et,fi,hu'),
             ('f1', 'precision', 'recall'), PANX_TAGS),
  XtremeTask('xquad', 'qa', 'question answering', _langs('en,es,de,el,ru,tr,ar,vi,th,zh,hi'),
             ('f1', 'exact_match')),
  XtremeTask('mlqa', 'qa', 'question answering', _langs('en,es,de,ar,hi,vi,zh'),
             ('f1', 'exact_match')),
  XtremeTask('tydiqa', 'qa', 'question answering', _langs('en,ar,bn,fi,id,ko,ru,sw,te'),
             ('f1', 'exact_match')),
  XtremeTask('bucc2018', 'pairs', 'sentence retrieval', _langs('de,fr,ru,zh'),
             ('f1', 'precision', 'recall')),
  XtremeTask('tatoeba', 'label', 'sentence retrieval',
             _langs('ar,he,vi,id,jv,tl,eu,ml,ta,te,af,nl,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,'
                    'ru,ja,ka,ko,th,sw,zh,kk,tr,et,fi,hu'), ('accuracy',)),
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

"""The English intermediate tasks of X-STILTs (PROTOCOL.md), one `register` call each.

Local layout under a data dir (the shipped fixtures in `fixtures/` mirror it), as each
data set downloads:

  glue/MNLI/train.tsv, dev_matched.tsv          GLUE (dev = matched)
  glue/QQP/train.tsv, dev.tsv                   GLUE
  snli/snli_1.0/snli_1.0_{train,dev,test}.jsonl SNLI 1.0
  anli/anli_v1.0/R{1,2,3}/{train,dev,test}.jsonl ANLI v1.0
  squad/train-v1.1.json, dev-v1.1.json          SQuAD v1.1 (shared with XQuAD/MLQA training)
  squad/train-v2.0.json, dev-v2.0.json          SQuAD v2.0
  hellaswag/hellaswag_{train,val}.jsonl         HellaSwag
  cosmosqa/{train,valid}.csv                    Cosmos QA release
  commonsenseqa/{train,dev}_rand_split.jsonl    CommonsenseQA
  ccg/ccgbank/data/AUTO/<section>/wsj_*.auto    CCGbank (LDC; the release unpacks as
                                                ccgbank_1_1/: link or rename it ccgbank/);
  ccg/labels.txt                                the supertag list (readers/ccg.py builds it)

Unlabelled test splits (GLUE, HellaSwag, Cosmos QA, CommonsenseQA) are not registered.

ANLI+ (`anli_plus`) is a composite: `parts` = anli_r1, anli_r2, anli_r3, mnli, snli, all
trained through the one head `nli` (`head`). `load_examples('anli_plus', split)` is the
concatenation of the parts in that order, guids prefixed with the part, from either source:
the hub has no single ANLI+ data set, so the hub path reads each part's copy
(facebook/anli, nyu-mll/glue mnli, stanfordnlp/snli; `load.hub_refs` lists them).

Hub copies (`datasets` >= 4 reads no loading scripts), each pinned to a commit:
nyu-mll/glue, stanfordnlp/snli, facebook/anli, rajpurkar/squad(_v2), tau/commonsense_qa are
Parquet on their main branch. Rowan/hellaswag's main branch is still a loading script: we
read the Parquet conversion of its pull request #7 (refs/pr/7, same rows and columns).
allenai/cosmos_qa is a loading script with no Parquet conversion on its main branch, so the
hub path reads the authors' release CSVs (wilburOne/cosmosqa on GitHub, pinned commit) with
`datasets`' csv builder: the same columns the script produced. CCGbank is licensed (LDC):
`ccg` has no hub copy, and the hub path stops with a message saying what to set instead.

Skipped records: SNLI / MNLI pairs without a gold label are dropped, counted and logged
per file (see `readers/rawfiles.py`).

CCG labels: `Task.labels` of `ccg` is the fixture's supertag list; for real CCGbank
`load.resolve_task(task, data_dir)` reads `<data_dir>/ccg/labels.txt` (`labels_file`; 1,363
tags in the paper's setup).
"""

import dataclasses
import functools
import os

from xstilts_jax.tasks import hub_intermediate as hub
from xstilts_jax.tasks.readers import (anli, ccg, commonsenseqa, cosmosqa, glue, hellaswag,
                                       snli, squad)
from xstilts_jax.tasks.readers.nli import NLI_LABELS
from xstilts_jax.tasks.registry import HubSource, LocalSource, Task, register

_FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')
_CCG_LABELS = 'ccg/labels.txt'
_AUTO = 'ccg/ccgbank/data/AUTO'
_CHOICES4 = ('0', '1', '2', '3')  # multiple choice: labels name the choices, in order

# Hub commits the registry reads: full shas as public projects pin them for these data sets
# (taken from their code; not re-checked against the hub, which this project's CI cannot reach).
GLUE_REVISION = 'bcdcba79d07bc864c1c254ccfcedcce55bcc9a8c'
SNLI_REVISION = 'cdb5c3d5eed6ead6e5a341c8e56e669bb666725b'
ANLI_REVISION = '8e4813d81f46d313dac7892e1c28076917cfcdf9'
SQUAD_REVISION = '7b6d24c440a36b6815f21b70d25016731768db1f'
SQUAD_V2_REVISION = '3ffb306f725f7d2ce8394bc1873b24868140c412'
# Rowan/hellaswag: head of the Parquet-conversion pull request (also reachable as 'refs/pr/7').
HELLASWAG_REVISION = '5715a1824027f661f3b09c2ccfa4d556bb520b06'
COMMONSENSEQA_REVISION = '94630fe30dad47192a8546eb75f094926d47e155'
COSMOSQA_REVISION = 'b6eb99cca4e2a51dd28a9a6f562534872d851639'  # github.com/wilburOne/cosmosqa
_COSMOSQA_URL = 'https://raw.githubusercontent.com/wilburOne/cosmosqa/{revision}/data/'

# SQuAD v1.1 on the hub: the squad_v1 task, and XQuAD / MLQA training (xtreme.py).
SQUAD_V1_HUB = HubSource('rajpurkar/squad', None, {'train': 'train', 'dev': 'validation'},
                         functools.partial(hub.squad_rows, version=1), revision=SQUAD_REVISION)

MNLI = register(Task(
    name='mnli', format='classification', metric='accuracy', labels=NLI_LABELS,
    splits=('train', 'dev'),
    local=LocalSource(glue.read_mnli, {'train': 'glue/MNLI/train.tsv',
                                       'dev': 'glue/MNLI/dev_matched.tsv'}),
    hub=HubSource('nyu-mll/glue', 'mnli', {'train': 'train', 'dev': 'validation_matched'},
                  functools.partial(hub.nli_rows, hub_id='nyu-mll/glue mnli', guid='idx'),
                  revision=GLUE_REVISION)))

QQP = register(Task(
    name='qqp', format='classification', metric='accuracy', labels=glue.QQP_LABELS,
    splits=('train', 'dev'),
    local=LocalSource(glue.read_qqp, {'train': 'glue/QQP/train.tsv', 'dev': 'glue/QQP/dev.tsv'}),
    hub=HubSource('nyu-mll/glue', 'qqp', {'train': 'train', 'dev': 'validation'},
                  hub.qqp_rows, revision=GLUE_REVISION)))

SNLI = register(Task(
    name='snli', format='classification', metric='accuracy', labels=NLI_LABELS,
    local=LocalSource(snli.read_snli, {s: f'snli/snli_1.0/snli_1.0_{s}.jsonl'
                                       for s in ('train', 'dev', 'test')}),
    hub=HubSource('stanfordnlp/snli', None,
                  {'train': 'train', 'dev': 'validation', 'test': 'test'},
                  functools.partial(hub.nli_rows, hub_id='stanfordnlp/snli', guid=''),
                  revision=SNLI_REVISION)))

ANLI_ROUNDS = tuple(
    register(Task(
        name=f'anli_r{r}', format='classification', metric='accuracy', labels=NLI_LABELS,
        local=LocalSource(anli.read_anli, {s: f'anli/anli_v1.0/R{r}/{s}.jsonl'
                                           for s in ('train', 'dev', 'test')}),
        hub=HubSource('facebook/anli', None,
                      {s: f'{s}_r{r}' for s in ('train', 'dev', 'test')},
                      functools.partial(hub.nli_rows, hub_id='facebook/anli', guid='uid'),
                      revision=ANLI_REVISION)))
    for r in (1, 2, 3))


def _read_parts(files, lang=None, split=None, *, parts=()):
  """The composite's examples: each part's reader on its files, guids prefixed by the part."""
  examples = []
  for part, part_files in zip(parts, files):
    task = _PARTS[part]
    for ex in task.local.reader(part_files, lang=lang, split=split, **task.local.kwargs):
      examples.append(dataclasses.replace(ex, guid=f'{part}-{ex.guid}'))
  return examples


_PARTS = {t.name: t for t in ANLI_ROUNDS + (MNLI, SNLI)}
_ANLI_PLUS_PARTS = ('anli_r1', 'anli_r2', 'anli_r3', 'mnli', 'snli')

ANLI_PLUS = register(Task(
    name='anli_plus', format='classification', metric='accuracy', labels=NLI_LABELS,
    splits=('train', 'dev'), parts=_ANLI_PLUS_PARTS, head='nli',
    local=LocalSource(
        functools.partial(_read_parts, parts=_ANLI_PLUS_PARTS),
        {s: tuple(_PARTS[p].local.paths[s] for p in _ANLI_PLUS_PARTS) for s in ('train', 'dev')})))

SQUAD_V1 = register(Task(
    name='squad_v1', format='span_qa', metric='squad', splits=('train', 'dev'),
    max_seq_length=384,
    local=LocalSource(squad.read_squad, {'train': 'squad/train-v1.1.json',
                                         'dev': 'squad/dev-v1.1.json'}, {'version': 1}),
    hub=SQUAD_V1_HUB))

SQUAD_V2 = register(Task(
    name='squad_v2', format='span_qa', metric='squad_v2', splits=('train', 'dev'),
    max_seq_length=384,
    local=LocalSource(squad.read_squad, {'train': 'squad/train-v2.0.json',
                                         'dev': 'squad/dev-v2.0.json'}, {'version': 2}),
    hub=HubSource('rajpurkar/squad_v2', None, {'train': 'train', 'dev': 'validation'},
                  functools.partial(hub.squad_rows, version=2), revision=SQUAD_V2_REVISION)))

HELLASWAG = register(Task(
    name='hellaswag', format='multiple_choice', metric='accuracy', splits=('train', 'dev'),
    num_choices=4, labels=_CHOICES4,
    local=LocalSource(hellaswag.read_hellaswag, {'train': 'hellaswag/hellaswag_train.jsonl',
                                                 'dev': 'hellaswag/hellaswag_val.jsonl'}),
    hub=HubSource('Rowan/hellaswag', None, {'train': 'train', 'dev': 'validation'},
                  hub.hellaswag_rows, revision=HELLASWAG_REVISION,
                  note='main is a loading script (datasets >= 4 refuses it); this is the '
                       'Parquet conversion of its pull request #7 (refs/pr/7), same rows')))

COSMOSQA = register(Task(
    name='cosmosqa', format='multiple_choice', metric='accuracy', splits=('train', 'dev'),
    num_choices=4, labels=_CHOICES4,
    local=LocalSource(cosmosqa.read_cosmosqa, {'train': 'cosmosqa/train.csv',
                                               'dev': 'cosmosqa/valid.csv'}),
    hub=HubSource('wilburOne/cosmosqa', None, {'train': 'train', 'dev': 'validation'},
                  hub.cosmosqa_rows, revision=COSMOSQA_REVISION, builder='csv',
                  data_files={'train': _COSMOSQA_URL + 'train.csv',
                              'validation': _COSMOSQA_URL + 'valid.csv'},
                  load_kwargs={'na_filter': False},  # an answer 'None' stays a string
                  note='allenai/cosmos_qa is a loading script (datasets >= 4 refuses it): '
                       "read the authors' release CSVs from GitHub instead, same columns")))

COMMONSENSEQA = register(Task(
    name='commonsenseqa', format='multiple_choice', metric='accuracy', splits=('train', 'dev'),
    num_choices=5, labels=commonsenseqa.CHOICE_LABELS,
    local=LocalSource(commonsenseqa.read_commonsenseqa,
                      {'train': 'commonsenseqa/train_rand_split.jsonl',
                       'dev': 'commonsenseqa/dev_rand_split.jsonl'}),
    hub=HubSource('tau/commonsense_qa', None, {'train': 'train', 'dev': 'validation'},
                  hub.commonsenseqa_rows, revision=COMMONSENSEQA_REVISION)))

# Standard split: sections 02-21 train, 00 dev, 23 test (one glob per run of sections).
CCG = register(Task(
    name='ccg', format='tagging', metric='accuracy',
    labels=ccg.read_labels(os.path.join(_FIXTURES, _CCG_LABELS)), labels_file=_CCG_LABELS,
    no_hub=('CCGbank is licensed (LDC2005T13) and has no hub copy; it needs local CCGbank '
            'files: put ccgbank/data/AUTO/<section>/wsj_*.auto and labels.txt under '
            '<data_dir>/ccg/ and run with --config.data.source=local '
            '--config.data.data_dir=<data_dir>, or leave ccg out of '
            '--config.intermediate.tasks (the multitask cell without it: '
            '--config.intermediate.tasks=anli_plus,mnli,qqp,squad_v1,squad_v2,hellaswag,'
            'cosmosqa,commonsenseqa)'),
    local=LocalSource(ccg.read_ccg, {
        'train': (_CCG_LABELS, f'{_AUTO}/0[2-9]/wsj_*.auto', f'{_AUTO}/1[0-9]/wsj_*.auto',
                  f'{_AUTO}/2[01]/wsj_*.auto'),
        'dev': (_CCG_LABELS, f'{_AUTO}/00/wsj_*.auto'),
        'test': (_CCG_LABELS, f'{_AUTO}/23/wsj_*.auto')})))

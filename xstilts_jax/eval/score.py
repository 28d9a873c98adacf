"""Scores an XTREME or XTREME-R submission folder against its labels.

`python -m xstilts_jax.eval.score --predictions DIR --labels DIR [--benchmark xtreme|xtreme-r]`

Prints JSON:
  {"benchmark": "xtreme" | "xtreme-r",
   "tasks": {task: {"avg": {metric: value} | null, "score": value | null,
                    "langs": {lang: {metric: value}}, "missing_langs": [lang]}},
   "categories": {category: value | null}, "xtreme_score": value | null,
   "xtreme_score_reason": null | str, "missing": ["task" | "task/lang"], "ignored": [path],
   "warnings": [str]}
Values are percent. A task's "score" is what enters the benchmark's score ((EM + F1) / 2 for
QA); "xtreme_score" is the overall score of the benchmark scored (XTREME: the mean over its
nine tasks; XTREME-R: over its ten, `report/benchmark.py` says how XCOPA and LAReQA count).

XTREME-R (`--benchmark xtreme-r`, the official `--xtreme_version xtreme-r`): its ten tasks
and language lists (`xtreme_tasks.XTREME_R_TASKS`), categories classification (XNLI, XCOPA),
structured prediction, question answering, retrieval (Tatoeba, Mewsli-X, LAReQA); Mewsli-X
and LAReQA give `map@20`. A query without a ranking scores 0, with a warning (the official
partial credit). Refused besides: an XCOPA label that is not 0 or 1 (a string never equals
the gold there) or lines whose "idx" disagree, a ranking with a repeated query id or
candidate or a non-string id, a query id not among the gold queries, a Mewsli-X gold entry
with other than one entity.

Missing data, where XTREME's evaluate.py simply skips a task without a folder and crashes on
a missing language file: a task without a predictions folder is listed in "missing" and left
out of "tasks" (never scored 0); a present task lacking some official languages is scored per
language, but its average, its category and the XTREME score are null (an average over part
of the language list is not comparable), and each such language is listed as "task/lang".
Files outside the benchmark's tasks and official languages (e.g. Mewsli-X for XTREME, PAWS-X
for XTREME-R) are listed in "ignored".

Refused (SubmissionError, one line naming the file and record), where evaluate.py would
mis-score without a word: a Tatoeba index that is not a plain ASCII decimal or is past the
language's English side (`languages.TATOEBA_SIZES`), a QA id that is not a gold question
or appears twice (json keeps the last), an empty gold file (nothing to score), a folder
where a file should be (or a file where a task folder should be), non-UTF-8 bytes (line and
byte offset named).
Tolerated as evaluate.py does, with a line in "warnings": unanswered questions (scored 0),
an empty BUCC prediction file (0: mining at a threshold may keep no pair), repeated BUCC
pairs (counted once).
"""

import argparse
import json
import os
import sys

from xstilts_jax.eval import metrics
from xstilts_jax.eval import submission
from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.report import benchmark as benchmark_lib


def score_language(task_name, lang, labels, predictions, benchmark='xtreme'):
  """Metrics (percent) of one language, from what submission.read_pair returns."""
  task = xtreme_tasks.get_xtreme_task(task_name, benchmark)
  if task.kind in ('label', 'choice'):
    return metrics.accuracy(labels, predictions)
  if task.kind == 'tags':
    return metrics.chunk_prf(labels, predictions)
  if task.kind == 'pairs':
    return metrics.bucc_prf(labels, predictions)
  if task.kind == 'ranking':
    return metrics.map_at_k(labels, predictions, k=20)
  if task.name == 'mlqa':
    return metrics.mlqa_evaluate(labels, predictions, lang)
  return metrics.squad_evaluate(labels, predictions)


def _unanswered(labels, predictions):
  ids = [qa['id'] for a in labels for p in a['paragraphs'] for qa in p['qas']]
  return sum(qid not in predictions for qid in ids), len(ids)


def score_task(task_name, pred_dir, label_dir, warnings, benchmark='xtreme'):
  task = xtreme_tasks.get_xtreme_task(task_name, benchmark)
  langs, missing = {}, []
  for lang in task.langs:
    pred_path = submission.submission_path(pred_dir, task.name, lang, benchmark)
    label_path = submission.submission_path(label_dir, task.name, lang, benchmark)
    if not os.path.lexists(pred_path):
      missing.append(lang)
      continue
    labels, predictions = submission.read_pair(pred_path, label_path, task, lang, warnings)
    if task.kind == 'qa':
      n, total = _unanswered(labels, predictions)
      if n:
        warnings.append(f'{pred_path}: {n} of {total} questions unanswered (scored 0)')
    if task.kind == 'ranking':
      n = sum(qid not in predictions for qid in labels)
      if n:
        warnings.append(f'{pred_path}: {n} of {len(labels)} queries without a ranking '
                        '(scored 0, as the official scorer does)')
    langs[lang] = score_language(task.name, lang, labels, predictions, benchmark)
  avg = score = None
  if not missing:
    avg = {m: sum(langs[l][m] for l in task.langs) / len(task.langs) for m in task.metrics}
    score = xtreme_tasks.task_number(task, avg)
  return {'avg': avg, 'score': score, 'langs': langs, 'missing_langs': missing}


def _ignored(pred_dir, benchmark):
  """Prediction files the scorer does not read."""
  out = []
  table = xtreme_tasks.tasks_of(benchmark)
  for name in sorted(os.listdir(pred_dir)):
    path = os.path.join(pred_dir, name)
    task = table.get(name)
    if task is None:
      out.append(name)
      continue
    if not os.path.isdir(path):
      continue
    expected = {f'test-{l}.{task.suffix}' for l in task.langs}
    out.extend(f'{name}/{f}' for f in sorted(os.listdir(path)) if f not in expected)
  return out


def score_dirs(pred_dir, label_dir, benchmark='xtreme'):
  """Scores every task of the benchmark found in pred_dir against label_dir (see the module
  doc)."""
  table = xtreme_tasks.tasks_of(benchmark)
  for d in (pred_dir, label_dir):
    if not os.path.isdir(d):
      raise submission.SubmissionError(f'{d}: not a directory')
  tasks, missing, warnings = {}, [], []
  for name, task in table.items():
    for d in (pred_dir, label_dir):
      path = os.path.join(d, name)
      if os.path.lexists(path) and not os.path.isdir(path):
        raise submission.SubmissionError(
            f'{path}: a file; expected a folder of test-<lang>.{task.suffix} files')
    if not os.path.isdir(os.path.join(pred_dir, name)):
      missing.append(name)
      continue
    if not os.path.isdir(os.path.join(label_dir, name)):
      raise submission.SubmissionError(
          f'{os.path.join(label_dir, name)}: no labels for task {name} with predictions')
    tasks[name] = score_task(name, pred_dir, label_dir, warnings, benchmark)
    missing.extend(f'{name}/{l}' for l in tasks[name]['missing_langs'])
  overall = benchmark_lib.benchmark_score(
      {name: t['score'] for name, t in tasks.items()}, benchmark)
  reason = None
  if overall['score'] is None:
    count = {9: 'nine', 10: 'ten'}.get(len(table), str(len(table)))
    reason = f'not all {count} tasks are complete; missing: ' + ', '.join(missing)
  return {'benchmark': benchmark, 'tasks': tasks, 'categories': overall['categories'],
          'xtreme_score': overall['score'], 'xtreme_score_reason': reason, 'missing': missing,
          'ignored': _ignored(pred_dir, benchmark), 'warnings': warnings}


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--predictions', required=True, help='folder of <task>/test-<lang>.*')
  parser.add_argument('--labels', required=True, help='folder of gold files, same layout')
  parser.add_argument('--benchmark', default='xtreme', choices=sorted(xtreme_tasks.BENCHMARKS),
                      help="the tasks, languages and score of XTREME (default) or XTREME-R")
  parser.add_argument('--output', help='also write the JSON to this file')
  args = parser.parse_args(argv)
  try:
    scores = score_dirs(args.predictions, args.labels, args.benchmark)
  except submission.SubmissionError as e:
    print(f'error: {e}', file=sys.stderr)
    return 1
  text = json.dumps(scores, indent=2, ensure_ascii=False)
  if args.output:
    with open(args.output, 'w', encoding='utf-8') as f:
      f.write(text + '\n')
  print(text)
  for w in scores['warnings']:
    print(f'warning: {w}', file=sys.stderr)
  return 0


if __name__ == '__main__':
  sys.exit(main())

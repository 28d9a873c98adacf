"""XTREME and XTREME-R submission files: `<task>/test-<lang>.{tsv,json,jsonl}`, written and
read with validation.

Formats (as google-research/xtreme `mock_test_data` and `evaluate.py`):
  xnli, pawsx, tatoeba  tsv, one label per line (XNLI names, PAWS-X 0/1, Tatoeba the index of
                        the predicted English sentence)
  udpos, panx           tsv, one tag per line, a blank line between sentences
  bucc2018              tsv, one `<source id>\t<target id>` pair per line (a set; any count)
  xquad, mlqa, tydiqa   json; predictions: {question id: answer text}; labels: SQuAD v1.1 JSON
XTREME-R only (`benchmark='xtreme-r'`; it has no pawsx or bucc2018):
  xcopa                 jsonl, one JSON object per line whose "label" is the index (0 or 1) of
                        the chosen alternative (the official `read_xcopa`; the gold file may be
                        XCOPA's own test jsonl). We write {"label": i}.
  mewslix, lareqa       json; predictions: {query id: [candidate ids, best first]} (scored to
                        rank 20); labels: {query id: [gold candidate ids]}: one entity for
                        Mewsli-X (as its official files), for LAReQA the question's answer
                        sentence in each XQuAD-R language (11). The official scorer reads
                        Mewsli-X this way and has no LAReQA layout; ours is the same.
Every error names the file and, where it has one, the line.
"""

import json
import os
import re

from xstilts_jax import storage
from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.tasks import languages
from xstilts_jax.tasks.readers import rawfiles


class SubmissionError(ValueError):
  """A malformed or mismatched submission file."""


def submission_path(root, task_name, lang, benchmark='xtreme'):
  task = xtreme_tasks.get_xtreme_task(task_name, benchmark)
  return os.path.join(root, task.name, f'test-{lang}.{task.suffix}')


# ---------------------------------------------------------------- writing


def _label_text(task, value, i):
  if task.name == 'tatoeba':
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
      raise SubmissionError(f'tatoeba prediction {i}: expected a non-negative int, got {value!r}')
    return str(value)
  if isinstance(value, int) and not isinstance(value, bool):
    if not 0 <= value < len(task.labels):
      raise SubmissionError(f'{task.name} prediction {i}: index {value} outside {task.labels}')
    return task.labels[value]
  if value not in task.labels:
    raise SubmissionError(f'{task.name} prediction {i}: unknown label {value!r}; '
                          f'expected one of {task.labels}')
  return value


def _choice(task, value, i):
  if isinstance(value, bool) or value not in task.labels:
    raise SubmissionError(f'{task.name} prediction {i}: expected the index of an alternative '
                          f'{list(task.labels)}, got {value!r}')
  return json.dumps({'label': int(value)})


def _ranking_json(task, ranked, what):
  ok = isinstance(ranked, dict) and all(
      isinstance(k, str) and isinstance(v, (list, tuple)) and v
      and all(isinstance(c, str) and c and c == c.strip() for c in v)
      for k, v in ranked.items())
  if not ok:
    raise SubmissionError(f'{task.name}: {what} must be a dict of str query id -> non-empty '
                          'list of str candidate ids (no surrounding whitespace)')
  for qid, candidates in ranked.items():
    if len(set(candidates)) != len(candidates):
      raise SubmissionError(f'{task.name}: {what} for query {qid!r} repeat a candidate id')
  return json.dumps({k: list(v) for k, v in ranked.items()}, ensure_ascii=False, indent=1) + '\n'


def _lines(task, predictions):
  """The text lines of a tsv or jsonl submission file."""
  if task.kind == 'choice':
    return [_choice(task, v, i) for i, v in enumerate(predictions)]
  if task.kind == 'label':
    return [_label_text(task, v, i) for i, v in enumerate(predictions)]
  if task.kind == 'tags':
    lines = []
    for i, sentence in enumerate(predictions):
      # An empty sentence cannot be told apart from the separator, so refuse it.
      if not sentence:
        raise SubmissionError(f'{task.name} sentence {i} is empty')
      for tag in sentence:
        if tag not in task.labels:
          raise SubmissionError(f'{task.name} sentence {i}: unknown tag {tag!r}')
      if i:
        lines.append('')
      lines.extend(sentence)
    return lines
  lines = []
  for i, pair in enumerate(predictions):
    if (len(pair) != 2 or not all(isinstance(x, str) and x and not re.search(r'\s', x)
                                  for x in pair)):
      raise SubmissionError(f'bucc2018 pair {i}: expected two ids without whitespace, '
                            f'got {pair!r}')
    lines.append('\t'.join(pair))
  return lines


def write_predictions(out_dir, task, lang, predictions, benchmark='xtreme'):
  """Writes one language's test predictions in the benchmark's layout; returns the file path.

  predictions: xnli/pawsx a list of label names or label indices; tatoeba a list of ints;
  udpos/panx a list of sentences (lists of tags); bucc2018 a list of (source id, target id);
  xquad/mlqa/tydiqa a dict question id -> answer text; xcopa a list of 0/1; mewslix/lareqa
  a dict query id -> [candidate ids, best first].
  """
  spec = xtreme_tasks.get_xtreme_task(task, benchmark)
  if not re.fullmatch(r'[A-Za-z0-9_-]+', lang):
    raise SubmissionError(f'bad language code {lang!r}')
  if spec.kind == 'ranking':
    text = _ranking_json(spec, predictions, 'predictions')
  elif spec.kind == 'qa':
    if not isinstance(predictions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in predictions.items()):
      raise SubmissionError(f'{task}: predictions must be a dict of str id -> str answer')
    text = json.dumps(predictions, ensure_ascii=False, indent=2) + '\n'
  else:
    text = ''.join(line + '\n' for line in _lines(spec, predictions))
  return _write_text(submission_path(out_dir, task, lang, benchmark), text)


def write_labels(out_dir, task, lang, labels, benchmark='xtreme'):
  """Writes one language's gold labels in the same layout; returns the file path.

  labels: as `write_predictions`, except QA tasks: the SQuAD v1.1 `data` list (articles with
  paragraphs and questions with all their gold answers), the official labels format; and
  mewslix/lareqa: {query id: [gold candidate ids]} (exactly one for Mewsli-X).
  """
  spec = xtreme_tasks.get_xtreme_task(task, benchmark)
  if spec.kind == 'ranking':
    if spec.name == 'mewslix' and isinstance(labels, dict) and any(
        isinstance(v, (list, tuple)) and len(v) != 1 for v in labels.values()):
      raise SubmissionError('mewslix: labels must list exactly one gold entity per query')
    text = _ranking_json(spec, labels, 'labels')
    return _write_text(submission_path(out_dir, task, lang, benchmark), text)
  if spec.kind != 'qa':
    return write_predictions(out_dir, task, lang, labels, benchmark)
  if not isinstance(labels, list):
    raise SubmissionError(f'{task}: QA labels must be the SQuAD `data` list of articles')
  text = json.dumps({'version': '1.1', 'data': labels}, ensure_ascii=False) + '\n'
  return _write_text(submission_path(out_dir, task, lang, benchmark), text)


def _write_text(path, text):
  storage.write_text(path, text)  # atomic: never a half-written file under the real name
  return path


# ---------------------------------------------------------------- reading


def _open(path, expected):
  """A submission file's text (rawfiles.open_text: decode errors name line and offset)."""
  try:
    return rawfiles.open_text(path, expected)
  except OSError as e:
    raise SubmissionError(str(e)) from None


def _read_lines(path, expected='one value per line'):
  try:
    with _open(path, expected) as f:
      return [line.rstrip('\r\n') for line in f]
  except ValueError as e:
    raise SubmissionError(str(e)) from None


def _check_value(path, lineno, value, task, lang=None):
  if '\t' in value:
    raise SubmissionError(f'{path}:{lineno}: expected one column, got {value.count(chr(9)) + 1}')
  if task.name == 'tatoeba':
    # evaluate.py compares the strings: '07', '٧' or an index past the English side would
    # silently count as wrong, so refuse them here.
    if not re.fullmatch(r'0|[1-9][0-9]*', value):
      raise SubmissionError(f'{path}:{lineno}: sentence index {value!r}; expected a decimal '
                            'integer in ASCII digits without leading zeros')
    size = languages.TATOEBA_SIZES.get(lang)
    if size is not None and int(value) >= size:
      raise SubmissionError(f'{path}:{lineno}: sentence index {value} out of range; expected '
                            f'0 to {size - 1} (Tatoeba {lang} has {size} English sentences)')
  elif value not in task.labels:
    raise SubmissionError(f'{path}:{lineno}: unknown label {value!r}; '
                          f'expected one of {list(task.labels)}')


def _spec(task):
  """An XtremeTask, or a task name looked up in XTREME's table."""
  if isinstance(task, xtreme_tasks.XtremeTask):
    return task
  return xtreme_tasks.get_xtreme_task(task)


def read_labels_file(path, task, lang=None):
  """One label per line -> [(line number, label)]; each line stripped as XTREME does.
  Tatoeba indices must be below the language's English side size when `lang` is given."""
  task = _spec(task)
  out = []
  for lineno, line in enumerate(_read_lines(path), 1):
    value = line.strip()
    if not value:
      raise SubmissionError(f'{path}:{lineno}: empty line')
    _check_value(path, lineno, value, task, lang)
    out.append((lineno, value))
  return out


def read_tags_file(path, task):
  """Sentences of tags -> [(first line number, [tags])], split exactly as XTREME's read_tag
  (every blank line closes a sentence, so two blank lines in a row make an empty one)."""
  task = _spec(task)
  sentences, tags, start = [], [], 1
  lines = _read_lines(path)
  for lineno, line in enumerate(lines, 1):
    value = line.strip()
    if value:
      _check_value(path, lineno, value, task)
      if not tags:
        start = lineno
      tags.append(value)
    else:
      sentences.append((start if tags else lineno, tags))
      tags = []
  if tags:
    sentences.append((start, tags))
  return sentences


def read_pairs_file(path, warnings=None, gold=True):
  """BUCC pairs -> [(line number, (source id, target id))]. An empty gold file is an error
  (every submission would score 0); an empty prediction file is a legitimate 0 (mining at a
  threshold may keep no pair) and, like repeated pairs (counted once by the official scorer
  too), is described in a warning appended to `warnings`."""
  out, seen, repeated = [], {}, []
  for lineno, line in enumerate(_read_lines(path), 1):
    fields = line.strip().split('\t')
    if len(fields) != 2 or not all(fields):
      raise SubmissionError(f'{path}:{lineno}: expected `<source id>\\t<target id>`, '
                            f'got {line!r}')
    pair = tuple(fields)
    if pair in seen:
      repeated.append((lineno, seen[pair]))
    seen.setdefault(pair, lineno)
    out.append((lineno, pair))
  if not out and gold:
    raise SubmissionError(f'{path}: no pairs; expected one `<source id>\\t<target id>` per '
                          'line (nothing to score)')
  if not out and warnings is not None:
    warnings.append(f'{path}: no pairs predicted; scored 0, as the official scorer does')
  if repeated and warnings is not None:
    (line, first), n = repeated[0], len(repeated)
    warnings.append(f'{path}:{line}: {n} repeated pair{"s" if n > 1 else ""} (first repeats '
                    f'line {first}); counted once, as the official scorer does')
  return out


def _load_json(path, object_pairs_hook=None):
  try:
    with _open(path, 'JSON') as f:
      text = f.read()
  except ValueError as e:
    raise SubmissionError(str(e)) from None
  try:
    return json.loads(text, object_pairs_hook=object_pairs_hook), text
  except json.JSONDecodeError as e:
    raise SubmissionError(f'{path}:{e.lineno}: bad JSON ({e.msg}, column {e.colno})') from None


def _key_lines(text, key):
  """Line numbers where `key` is written as a JSON object key (either escaping)."""
  spellings = {json.dumps(key), json.dumps(key, ensure_ascii=False)}
  pattern = '|'.join(re.escape(k) for k in spellings)
  return [text.count('\n', 0, m.start()) + 1 for m in re.finditer(rf'(?:{pattern})\s*:', text)]


def _at(path, text, key):
  """`path:line` of a key's first occurrence, or `path` where the line cannot be found."""
  lines = _key_lines(text, key)
  return f'{path}:{lines[0]}' if lines else path


class _Pairs(list):
  """A JSON object as its (key, value) pairs, repeats included (json.loads keeps the last)."""


def _refuse_repeated_keys(path, text, pairs, what):
  seen = set()
  for key, _ in pairs:
    if key in seen:
      lines = _key_lines(text, key)
      where = f'{path}:{lines[1]}' if len(lines) > 1 else path
      first = f'line {lines[0]}' if lines else 'an earlier key'
      raise SubmissionError(f'{where}: {what} {key!r} repeats {first}; expected each id '
                            'once (the official scorer would keep the last)')
    seen.add(key)


def read_qa_predictions(path, with_text=False):
  """{question id: answer text}; a repeated id is an error (json keeps the last silently).
  with_text: (predictions, the file's text) to name lines in later errors."""
  data, text = _load_json(path, object_pairs_hook=_Pairs)
  if not isinstance(data, _Pairs):
    raise SubmissionError(f'{path}: expected a JSON object {{question id: answer}}, '
                          f'got {type(data).__name__}')
  _refuse_repeated_keys(path, text, data, 'question id')
  data = dict(data)
  for qid, answer in data.items():
    if not isinstance(answer, str):
      kind = 'object' if isinstance(answer, _Pairs) else type(answer).__name__
      raise SubmissionError(f'{_at(path, text, qid)}: answer for question {qid!r} is '
                            f'{kind}, expected a string')
  return (data, text) if with_text else data


def read_choice_file(path, task):
  """XCOPA jsonl -> [(line number, record)]; each record a JSON object whose "label" is the
  index of an alternative (0 or 1; a string or a bool would silently never match in the
  official scorer's comparison). A blank line is an error, as in the official `read_xcopa`."""
  task = _spec(task)
  out = []
  for lineno, line in enumerate(_read_lines(path, 'one JSON object per line'), 1):
    if not line.strip():
      raise SubmissionError(f'{path}:{lineno}: empty line; expected a JSON object with a '
                            '"label"')
    try:
      record = json.loads(line)
    except json.JSONDecodeError as e:
      raise SubmissionError(f'{path}:{lineno}: bad JSON ({e.msg}, column {e.colno})') from None
    if not isinstance(record, dict) or 'label' not in record:
      raise SubmissionError(f'{path}:{lineno}: expected a JSON object with a "label", got '
                            f'{line.strip()[:80]!r}')
    label = record['label']
    if isinstance(label, bool) or label not in task.labels:
      raise SubmissionError(f'{path}:{lineno}: label {label!r}; expected the index of an '
                            f'alternative, one of {list(task.labels)}')
    out.append((lineno, record))
  return out


def _ids_ok(value):
  return (type(value) is list and  # not _Pairs: a JSON object is no ranking
          all(isinstance(c, str) and c and c == c.strip() for c in value))


def read_ranking_file(path, task, gold=False, with_text=False):
  """Mewsli-X / LAReQA JSON {query id: [candidate ids]} -> dict (best first in predictions;
  the gold ids in labels, exactly one for Mewsli-X). Refused: a repeated query id (json keeps
  the last), a value that is not a list of non-empty id strings without surrounding
  whitespace, a candidate listed twice for one query, a gold file with no query or a query
  with no gold id. with_text: (data, the file's text) to name lines in later errors."""
  task = _spec(task)
  data, text = _load_json(path, object_pairs_hook=_Pairs)
  if not isinstance(data, _Pairs):
    raise SubmissionError(f'{path}: expected a JSON object {{query id: [candidate ids]}}, got '
                          f'{type(data).__name__}')
  _refuse_repeated_keys(path, text, data, 'query id')
  data = dict(data)
  for qid, ids in data.items():
    where = lambda: _at(path, text, qid)  # a regex over the file: only for an error
    if not _ids_ok(ids):
      kind = 'object' if isinstance(ids, _Pairs) else type(ids).__name__
      raise SubmissionError(f'{where()}: query {qid!r} has a {kind}; expected a list of '
                            'candidate id strings (non-empty, no surrounding whitespace)')
    if len(set(ids)) != len(ids):
      repeated = next(c for i, c in enumerate(ids) if c in ids[:i])
      raise SubmissionError(f'{where()}: candidate {repeated!r} is listed twice for query '
                            f'{qid!r}; expected each candidate once')
    if gold and not ids:
      raise SubmissionError(f'{where()}: query {qid!r} has no gold id')
    if gold and task.name == 'mewslix' and len(ids) != 1:
      raise SubmissionError(f'{where()}: query {qid!r} has {len(ids)} gold entities; expected '
                            'one (Mewsli-X; the official scorer would use the first only)')
  if gold and not data:
    raise SubmissionError(f'{path}: no queries; expected {{query id: [gold ids]}} (nothing to '
                          'score)')
  return (data, text) if with_text else data


def read_qa_labels(path):
  """The SQuAD 'data' list (a bare list is accepted too, as XTREME's read_squad does)."""
  data, _ = _load_json(path)
  if isinstance(data, dict):
    data = data.get('data')
  if not isinstance(data, list):
    raise SubmissionError(f'{path}: expected SQuAD JSON with a "data" list')
  try:
    for article in data:
      for paragraph in article['paragraphs']:
        for qa in paragraph['qas']:
          if not isinstance(qa['id'], str) or not all(
              isinstance(a['text'], str) for a in qa['answers']):
            raise TypeError(qa.get('id'))
  except (KeyError, TypeError) as e:
    raise SubmissionError(f'{path}: not SQuAD v1.1 JSON (articles -> paragraphs -> qas with '
                          f'id and answers[].text): problem at {e!r}') from None
  seen = set()
  for qid in question_ids(data):
    if qid in seen:
      raise SubmissionError(f'{path}: question id {qid!r} appears twice; expected unique ids')
    seen.add(qid)
  return data


def question_ids(data):
  """The question ids of a SQuAD `data` list, in order."""
  return [qa['id'] for article in data for p in article['paragraphs'] for qa in p['qas']]


def _same_count(pred_path, label_path, pred, gold, unit, expected):
  """Refuses an empty gold file (nothing to score) and predictions whose count of `unit`
  differs from the gold's, naming the first unmatched line; `pred` and `gold` are (line,
  value) lists."""
  if not gold:
    raise SubmissionError(f'{label_path}: empty; expected {expected} (nothing to score)')
  if len(gold) != len(pred):
    which, longer = (pred_path, pred) if len(pred) > len(gold) else (label_path, gold)
    raise SubmissionError(
        f'{pred_path}: {len(pred)} {unit} but {label_path} has {len(gold)}; the first '
        f'unmatched one is at {which}:{longer[min(len(pred), len(gold))][0]}')


def _refuse_unknown_ids(pred_path, text, predictions, gold, label_path, noun, nouns):
  """A predicted id that is not in the labels means the files do not belong together."""
  unknown = [i for i in predictions if i not in gold]
  if unknown:
    more = f' (and {len(unknown) - 1} more)' if len(unknown) > 1 else ''
    raise SubmissionError(f'{_at(pred_path, text, unknown[0])}: {noun} id {unknown[0]!r}{more} '
                          f'is not a {noun} of {label_path}; expected ids of its '
                          f'{len(gold)} {nouns}')


def read_pair(pred_path, label_path, task, lang=None, warnings=None):
  """Reads and cross-checks one language's predictions and labels -> (labels, predictions)
  in the form the task's metric takes. `lang` bounds Tatoeba indices; what is tolerated
  (repeated BUCC pairs) is described in messages appended to `warnings`. `task`: a name of
  XTREME's table or an XtremeTask (`xtreme_tasks.get_xtreme_task(name, 'xtreme-r')`)."""
  spec = _spec(task)
  for path in (pred_path, label_path):
    if os.path.isdir(path):
      raise SubmissionError(f'{path}: a folder; expected a file')
    if not os.path.isfile(path):
      raise SubmissionError(f'{path}: no such file')
  if spec.kind == 'qa':
    labels = read_qa_labels(label_path)
    predictions, text = read_qa_predictions(pred_path, with_text=True)
    gold = set(question_ids(labels))
    if not gold:
      raise SubmissionError(f'{label_path}: no questions; expected SQuAD JSON with at least one '
                            '(nothing to score)')
    _refuse_unknown_ids(pred_path, text, predictions, gold, label_path, 'question', 'questions')
    return labels, predictions
  if spec.kind == 'ranking':
    labels = read_ranking_file(label_path, spec, gold=True)
    predictions, text = read_ranking_file(pred_path, spec, with_text=True)
    _refuse_unknown_ids(pred_path, text, predictions, labels, label_path, 'query', 'queries')
    return labels, predictions
  if spec.kind == 'choice':
    gold = read_choice_file(label_path, spec)
    pred = read_choice_file(pred_path, spec)
    _same_count(pred_path, label_path, pred, gold, 'lines',
                'one JSON object with a "label" per line')
    for (line, p), (_, g) in zip(pred, gold):
      if 'idx' in p and 'idx' in g and p['idx'] != g['idx']:
        raise SubmissionError(f'{pred_path}:{line}: example idx {p["idx"]!r} but line {line} of '
                              f'{label_path} is idx {g["idx"]!r}; expected the same order')
    return [g['label'] for _, g in gold], [p['label'] for _, p in pred]
  if spec.kind == 'pairs':
    return ([p for _, p in read_pairs_file(label_path, warnings)],
            [p for _, p in read_pairs_file(pred_path, warnings, gold=False)])
  if spec.kind == 'label':
    gold = read_labels_file(label_path, task, lang)
    pred = read_labels_file(pred_path, task, lang)
    _same_count(pred_path, label_path, pred, gold, 'lines', 'one label per line')
    return [v for _, v in gold], [v for _, v in pred]
  gold, pred = read_tags_file(label_path, task), read_tags_file(pred_path, task)
  _same_count(pred_path, label_path, pred, gold, 'sentences', 'sentences of one tag per line')
  for (pline, ptags), (gline, gtags) in zip(pred, gold):
    if len(ptags) != len(gtags):
      raise SubmissionError(
          f'{pred_path}:{pline}: sentence has {len(ptags)} tags but the one at '
          f'{label_path}:{gline} has {len(gtags)}')
  return [t for _, t in gold], [t for _, t in pred]

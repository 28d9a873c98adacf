"""SQuAD v1.1 exact match and F1 (XQuAD, TyDiQA-GoldP, SQuAD), with the English normalisation.

XTREME applies this English normalisation to every language of XQuAD and TyDiQA.
"""

import collections
import re
import string

_PUNCT = set(string.punctuation)
_ARTICLES = re.compile(r'\b(a|an|the)\b')


def squad_normalize_answer(text):
  """Lower case, drop ASCII punctuation, drop English articles, collapse whitespace."""
  text = text.lower()
  text = ''.join(ch for ch in text if ch not in _PUNCT)
  text = _ARTICLES.sub(' ', text)
  return ' '.join(text.split())


def token_f1(pred_tokens, true_tokens):
  """Token-overlap F1 in [0, 1]; 0 when nothing overlaps (even when both are empty)."""
  same = sum((collections.Counter(pred_tokens) & collections.Counter(true_tokens)).values())
  if same == 0:
    return 0.0
  precision = same / len(pred_tokens)
  recall = same / len(true_tokens)
  return 2 * precision * recall / (precision + recall)


def squad_f1(prediction, truth):
  return token_f1(squad_normalize_answer(prediction).split(),
                  squad_normalize_answer(truth).split())


def squad_exact(prediction, truth):
  return float(squad_normalize_answer(prediction) == squad_normalize_answer(truth))


def iter_questions(dataset):
  """(id, [gold answer texts]) for every question of a SQuAD-format 'data' list."""
  for article in dataset:
    for paragraph in article['paragraphs']:
      for qa in paragraph['qas']:
        yield qa['id'], [a['text'] for a in qa['answers']]


def evaluate_questions(dataset, predictions, exact_fn, f1_fn):
  """Mean of the best score over gold answers; an unanswered question scores 0 (as official)."""
  exact = f1 = total = 0.0
  for qid, truths in iter_questions(dataset):
    total += 1
    if qid not in predictions:
      continue
    exact += max(exact_fn(predictions[qid], t) for t in truths)
    f1 += max(f1_fn(predictions[qid], t) for t in truths)
  if not total:
    raise ValueError('no questions in the gold data')
  return {'exact_match': 100.0 * exact / total, 'f1': 100.0 * f1 / total}


def squad_evaluate(dataset, predictions):
  """SQuAD v1.1 {'exact_match', 'f1'} in percent; dataset is the 'data' list, predictions
  a dict id -> answer text."""
  return evaluate_questions(dataset, predictions, squad_exact, squad_f1)

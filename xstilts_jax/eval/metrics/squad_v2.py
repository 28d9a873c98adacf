"""SQuAD v2.0 exact match and F1 with the no-answer rule (the official evaluate-v2.0 script).

A question with no gold answers is gold ''; an empty prediction means "no answer". F1 of an
empty side is 1 when both are empty and 0 otherwise. Questions without a prediction are left
out of the totals, as the official script does (it prints "Missing prediction"); the count is
returned so callers can refuse partial predictions.
"""

from xstilts_jax.eval.metrics import squad


def _f1(prediction, truth):
  pred_tokens = squad.squad_normalize_answer(prediction).split()
  true_tokens = squad.squad_normalize_answer(truth).split()
  if not pred_tokens or not true_tokens:
    return float(pred_tokens == true_tokens)
  return squad.token_f1(pred_tokens, true_tokens)


def squad_v2_evaluate(dataset, predictions):
  """{'exact_match', 'f1', 'has_ans_exact_match', 'has_ans_f1', 'no_ans_exact_match',
  'no_ans_f1'} in percent (a group's entries are absent when it has no question), plus
  'total' and 'missing' counts."""
  scores = {True: [], False: []}
  missing = 0
  for qid, truths in squad.iter_questions(dataset):
    has_answer = bool(truths)
    # Gold answers that normalise to nothing are dropped (official); none left means ''.
    truths = [t for t in truths if squad.squad_normalize_answer(t)]
    if qid not in predictions:
      missing += 1
      continue
    truths = truths or ['']
    pred = predictions[qid]
    exact = max(squad.squad_exact(pred, t) for t in truths)
    f1 = max(_f1(pred, t) for t in truths)
    scores[has_answer].append((exact, f1))
  every = scores[True] + scores[False]
  if not every:
    raise ValueError('SQuAD v2: no question has a prediction')
  result = {'total': len(every), 'missing': missing}
  for name, group in (('', every), ('has_ans_', scores[True]), ('no_ans_', scores[False])):
    if group:
      result[name + 'exact_match'] = 100.0 * sum(e for e, _ in group) / len(group)
      result[name + 'f1'] = 100.0 * sum(f for _, f in group) / len(group)
  return result

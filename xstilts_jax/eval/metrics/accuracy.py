"""Accuracy (XNLI, PAWS-X, Tatoeba), as XTREME's evaluate.py computes it."""


def accuracy(labels, predictions):
  """Percent of positions where the prediction equals the label (compared as given)."""
  if len(labels) != len(predictions):
    raise ValueError(f'accuracy: {len(predictions)} predictions for {len(labels)} labels')
  if not labels:
    raise ValueError('accuracy: no examples')
  correct = sum(int(p == l) for p, l in zip(predictions, labels))
  return {'accuracy': 100.0 * correct / len(labels)}

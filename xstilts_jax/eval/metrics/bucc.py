"""BUCC 2018 precision / recall / F1 over sets of (source id, target id) pairs."""


def bucc_prf(gold_pairs, predicted_pairs):
  """XTREME's bucc_f1: duplicates collapse (sets); all three are 0 when nothing is correct."""
  gold = set(tuple(p) for p in gold_pairs)
  pred = set(tuple(p) for p in predicted_pairs)
  correct = len(gold & pred)
  if correct == 0:
    return {'f1': 0.0, 'precision': 0.0, 'recall': 0.0}
  precision = correct / len(pred)
  recall = correct / len(gold)
  f1 = 2 * precision * recall / (precision + recall)
  return {'f1': 100.0 * f1, 'precision': 100.0 * precision, 'recall': 100.0 * recall}

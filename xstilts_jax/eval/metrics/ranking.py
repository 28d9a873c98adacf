"""mAP@k for Mewsli-X and LAReQA (XTREME-R's `map@20`).

With one gold item per query (Mewsli-X) this is XTREME-R's `utils_mewslix.evaluate`: the mean
reciprocal rank of the gold within the top k. With several (LAReQA: the answer in each of the
11 XQuAD-R languages) it is the mean over queries of average precision at k,
AP@k = sum over ranks i <= k holding a gold item of precision@i, divided by min(#gold, k),
which reduces to the reciprocal rank when there is one gold. A query missing from the
predictions scores 0 (the official scorer's partial credit); predictions for unknown queries
are an error, since they mean the files do not belong together.
"""


def map_at_k(gold, predictions, k=20):
  """gold: {query_id: iterable of gold candidate ids}; predictions: {query_id: ranked ids}.

  Returns {'map@k': percent}. Ranked lists are cut at k; a repeated id counts once.
  """
  if not gold:
    raise ValueError('map@k: no queries')
  unknown = set(predictions) - set(gold)
  if unknown:
    raise ValueError(f'map@k: {len(unknown)} predicted queries have no gold, '
                     f'e.g. {sorted(unknown)[0]!r}')
  total = 0.0
  for query_id, golds in gold.items():
    golds = {str(g).strip() for g in golds}
    if not golds:
      raise ValueError(f'map@k: query {query_id!r} has no gold item')
    seen, hits, precision_sum = set(), 0, 0.0
    for rank, candidate in enumerate(predictions.get(query_id, [])[:k], start=1):
      candidate = str(candidate).strip()
      if candidate in golds and candidate not in seen:
        hits += 1
        precision_sum += hits / rank
      seen.add(candidate)
    total += precision_sum / min(len(golds), k)
  return {f'map@{k}': 100.0 * total / len(gold)}

"""Zero-shot evaluation as each implementation runs it, on real text (a benchmark, not a test).

  python bench/zero_shot_bench.py [--sentences 256 --batch 32 --rounds 3]

The work: UD-POS German, the UD German-GSD test sentences (`$XSTILTS_REAL_DATA/ud`, else
../shared/realdata/ud; the shipped UD fixtures where neither exists), featurized once by our
tagging featurizer at XTREME's max_seq_length 128 with the shipped tiny tokenizer. The tiny
tokenizer cuts German into more pieces than XLM-R's 250k-piece sentencepiece model does, so real
sequences are shorter than these and length buckets gain more on real data than here.

The model: XLM-R Base's layer shape x 2 layers with the real vocabulary (bench/run.py's
`real_base`) and a 17-tag head, the same weights on both sides (ours initialised, copied into
`XLMRobertaForTokenClassification`). Each side turns every featurized row into predicted tags
(per-token argmax), fp32, one process, alternating rounds, medians:
- ours: the evaluation code path, `eval.predict.run(..., per_token=PER_TOKEN['tagging'])`, the
  jitted eval step in length buckets (32, 64, 128; compiled in the warm-up round);
- PyTorch as jiant and XTREME's scripts evaluate: every batch padded to max_seq_length
  (jiant featurizes to the full length), under `torch.inference_mode`;
- PyTorch with dynamic padding: rows sorted by length, each batch cut to its longest row (what a
  hand-tuned PyTorch evaluation would do; neither jiant nor XTREME's scripts do it).
The tags of every side are compared on the first sub-token of each word (what the metric reads).
"""

import argparse
import glob
import json
import os
import statistics
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

SHAPE = (250002, 768, 2, 12, 3072)  # bench/run.py's real_base
NUM_TAGS = 17
MAX_SEQ_LENGTH = 128


def _ud_files():
  for root in (os.environ.get('XSTILTS_REAL_DATA'), os.path.join(REPO, '..', 'shared', 'realdata')):
    path = root and os.path.join(root, 'ud', 'de_gsd-ud-test.conllu')
    if path and os.path.isfile(path):
      return [path], 'UD German-GSD 2.5 test (real data)'
  files = sorted(glob.glob(os.path.join(REPO, 'xstilts_jax', 'tasks', 'fixtures', 'udpos', '*',
                                        'UD_German-*', '*-test.conllu')))
  return files, 'the shipped UD German fixture'


def features(sentences):
  """Featurized UD German test sentences (the first `sentences`) and where they came from."""
  from xstilts_jax.data import featurize as featurize_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.data.tokenizer import load_tokenizer  # pylint: disable=g-import-not-at-top
  from xstilts_jax.tasks.registry import get_task  # pylint: disable=g-import-not-at-top
  from xstilts_jax.tasks.readers.conllu import read_conllu  # pylint: disable=g-import-not-at-top
  files, source = _ud_files()
  examples = read_conllu(files, 'de')[:sentences]
  return featurize_lib.featurize(get_task('udpos'), examples, load_tokenizer('tiny'),
                                 MAX_SEQ_LENGTH), source


def build(feats, batch):
  """{side: zero-argument callable -> tags [N, T]} on the same weights and features."""
  import jax  # pylint: disable=g-import-not-at-top
  import torch  # pylint: disable=g-import-not-at-top
  import transformers  # pylint: disable=g-import-not-at-top
  from xstilts_jax.eval import predict  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models import HeadSpec, Model, hf_state_dict  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models import predict as heads_predict  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models.config import XLMRConfig  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train.steps import make_eval_step  # pylint: disable=g-import-not-at-top

  vocab, hidden, layers, heads, inter = SHAPE
  config = XLMRConfig(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=heads, intermediate_size=inter)
  model = Model(config, (HeadSpec('udpos', 'tagging', NUM_TAGS),))
  params = model.init_params(jax.random.PRNGKey(0))
  eval_step = make_eval_step(model, 'udpos')
  predict_fn = jax.jit(lambda p, b: heads_predict('tagging', eval_step(p, b)))

  def ours():
    return predict.run(predict_fn, params, feats, batch,
                       per_token=predict.PER_TOKEN['tagging'])['prediction']

  torch.set_num_threads(os.cpu_count())
  ref = transformers.XLMRobertaForTokenClassification(transformers.XLMRobertaConfig(
      vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
      intermediate_size=inter, max_position_embeddings=514, type_vocab_size=1,
      layer_norm_eps=1e-5, pad_token_id=1, num_labels=NUM_TAGS, attn_implementation='sdpa'))
  weights = {k: torch.from_numpy(np.array(v)) for k, v in
             hf_state_dict(config, {'encoder': params['encoder'], 'heads': {}}).items()}
  head = params['heads']['udpos']['classifier']
  weights['classifier.weight'] = torch.from_numpy(np.array(head['kernel']).T)
  weights['classifier.bias'] = torch.from_numpy(np.array(head['bias']))
  missing, _ = ref.load_state_dict(weights, strict=False)
  if missing:
    raise RuntimeError(f'torch weights not set from ours: {missing}')
  ref.eval()
  ids = torch.from_numpy(feats.arrays['input_ids']).long()
  mask = torch.from_numpy(feats.arrays['attention_mask']).long()
  n, full = ids.shape

  def torch_tags(order, trim):
    tags = np.zeros((n, full), np.int64)
    with torch.inference_mode():
      for start in range(0, n, batch):
        rows = order[start:start + batch]
        t = int(mask[rows].sum(1).max()) if trim else full
        logits = ref(input_ids=ids[rows, :t], attention_mask=mask[rows, :t]).logits
        tags[rows, :t] = logits.argmax(-1).numpy()
    return tags

  by_length = np.argsort(feats.arrays['attention_mask'].sum(1), kind='stable')
  return {'ours': ours,
          'torch_padded': lambda: torch_tags(np.arange(n), trim=False),
          'torch_dynamic': lambda: torch_tags(by_length, trim=True)}


def measure(sentences=256, batch=32, rounds=3):
  feats, source = features(sentences)
  sides = build(feats, batch)
  start = time.perf_counter()
  sides['ours']()  # warm-up: our buckets compile here (PyTorch eager has nothing to warm)
  first_ours = time.perf_counter() - start
  times, tags = {side: [] for side in sides}, {}
  for _ in range(rounds):
    for side, run in sides.items():
      start = time.perf_counter()
      tags[side] = np.asarray(run())
      times[side].append(time.perf_counter() - start)
  words = feats.arrays['word_index'] >= 0  # first sub-token of each word: what the metric reads
  agree = {side: float((tags[side][words] == tags['torch_padded'][words]).mean())
           for side in sides}
  if min(agree.values()) < 0.999:
    raise RuntimeError(f'the sides predict different tags: agreement {agree}')
  med = {side: statistics.median(t) for side, t in times.items()}
  lengths = feats.arrays['attention_mask'].sum(1)
  n = len(lengths)
  return {'data': source, 'rows': n, 'batch': batch, 'max_seq_length': MAX_SEQ_LENGTH,
          'mean_tokens': float(lengths.mean()), 'median_s': med, 'all_s': times,
          'ours_first_run_s': first_ours, 'examples_per_s': {s: n / t for s, t in med.items()},
          'tag_agreement_with_torch_padded': agree}


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--sentences', type=int, default=256)
  parser.add_argument('--batch', type=int, default=32)
  parser.add_argument('--rounds', type=int, default=3)
  args = parser.parse_args()
  print(json.dumps(measure(args.sentences, args.batch, args.rounds), indent=1))


if __name__ == '__main__':
  main()

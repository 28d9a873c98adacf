"""SQuAD-style featurization throughput beside the rate a training step consumes (not a test).

  python bench/featurize_bench.py                      # tiny tokenizer, tiny model step
  python bench/featurize_bench.py --tokenizer PATH --models tiny,xlmr_base --batch_size 16
  python bench/featurize_bench.py --steps_per_second 3  # no model: the rate 3 steps/s need

Data: a SQuAD JSON (`--data`; default XQuAD English from $XSTILTS_REAL_DATA, else the shipped
SQuAD fixture, repeated). Featurization is single-process, as in the pipeline. The rate a
step consumes is batch_size / step_time features/s, i.e. that / (features per example)
examples/s; the step is a jitted forward + backward of the span-QA loss on [B, 384].
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from xstilts_jax.data import span_qa  # noqa: E402
from xstilts_jax.data.tokenizer import load_tokenizer  # noqa: E402
from xstilts_jax.tasks.readers.squad import read_squad  # noqa: E402

_FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'xstilts_jax', 'tasks', 'fixtures', 'squad', 'train-v1.1.json')


def _examples(path, min_examples):
  examples = list(read_squad([path]))
  while len(examples) < min_examples:  # a tiny fixture: repeat it (paragraphs re-tokenised)
    examples += [type(e)(e.guid + '+', e.question, e.context + ' ', e.answers) for e in examples]
  return examples


def featurize_rate(tokenizer_name, examples, repeats):
  tok = load_tokenizer(tokenizer_name)
  best, features = None, None
  for _ in range(repeats):
    start = time.perf_counter()
    features = span_qa.featurize(None, examples, tok, 384, doc_stride=128, max_query_length=64)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
  return len(examples) / best, len(features) / len(examples)


def step_time(preset, batch_size, vocab_size, repeats=3):
  import jax
  import jax.numpy as jnp
  import optax
  from xstilts_jax.models.config import preset as model_preset
  from xstilts_jax.models.model import HeadSpec, Model

  config = model_preset(preset, vocab_size=vocab_size)
  model = Model(config, (HeadSpec('qa', 'span_qa'),))
  params = model.init_params(jax.random.PRNGKey(0), seq_len=384)
  rng = np.random.default_rng(0)
  batch = dict(input_ids=jnp.asarray(rng.integers(4, vocab_size, (batch_size, 384)), jnp.int32),
               attention_mask=jnp.ones((batch_size, 384), jnp.int32),
               start_positions=jnp.asarray(rng.integers(0, 384, batch_size), jnp.int32),
               end_positions=jnp.asarray(rng.integers(0, 384, batch_size), jnp.int32))

  def loss_fn(p, b, key):
    out = model.apply({'params': p}, b, 'qa', deterministic=False, rngs={'dropout': key})
    return (optax.softmax_cross_entropy_with_integer_labels(out['start_logits'], b['start_positions'])
            + optax.softmax_cross_entropy_with_integer_labels(out['end_logits'], b['end_positions'])
            ).mean() / 2

  grad = jax.jit(jax.value_and_grad(loss_fn))
  start = time.perf_counter()
  jax.block_until_ready(grad(params, batch, jax.random.PRNGKey(1)))
  compile_s = time.perf_counter() - start
  times = []
  for i in range(repeats):
    start = time.perf_counter()
    jax.block_until_ready(grad(params, batch, jax.random.PRNGKey(i)))
    times.append(time.perf_counter() - start)
  return min(times), compile_s, jax.devices()[0].platform


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  real = os.environ.get('XSTILTS_REAL_DATA')
  default = os.path.join(real, 'xquad', 'xquad.en.json') if real else _FIXTURE
  parser.add_argument('--data', default=default)
  parser.add_argument('--tokenizer', action='append', default=None,
                      help="tokenizer names or paths (repeatable); default: 'tiny'")
  parser.add_argument('--models', default='tiny', help="model presets to time, '' for none")
  parser.add_argument('--batch_size', type=int, default=16)
  parser.add_argument('--steps_per_second', type=float, default=None,
                      help='report the rate this many steps/s need (no model timed)')
  parser.add_argument('--min_examples', type=int, default=500)
  parser.add_argument('--repeats', type=int, default=2)
  args = parser.parse_args()

  examples = _examples(args.data, args.min_examples)
  print(f'data: {args.data} ({len(examples)} examples), max length 384, stride 128, query 64')
  per_example = None
  for name in args.tokenizer or ['tiny']:
    rate, per_example = featurize_rate(name, examples, args.repeats)
    print(f'featurize  tokenizer={name}: {rate:9.1f} examples/s '
          f'({rate * per_example:9.1f} features/s, {per_example:.2f} features/example)')
  vocab = len(load_tokenizer((args.tokenizer or ['tiny'])[-1]))
  if args.steps_per_second:
    need = args.steps_per_second * args.batch_size
    print(f'consume    {args.steps_per_second} steps/s x batch {args.batch_size}: {need:.1f} '
          f'features/s = {need / per_example:.1f} examples/s')
  for preset in [m for m in args.models.split(',') if m] if not args.steps_per_second else []:
    seconds, compile_s, platform = step_time(preset, args.batch_size, vocab)
    need = args.batch_size / seconds
    print(f'consume    model={preset} on {platform}, batch {args.batch_size}x384: step '
          f'{seconds * 1000:.0f} ms (compile {compile_s:.0f} s) -> {need:.3g} features/s = '
          f'{need / per_example:.3g} examples/s')


if __name__ == '__main__':
  main()

"""The benchmark suite: our code beside its competitor, one process, same inputs (not a test).

  python bench/run.py            # full sizes
  python bench/run.py --quick    # small sizes, a few minutes on 2 CPU cores
  python bench/run.py --only train_real_small,infer_real_base

Train step and inference: each round runs ours then the competitor once (alternating, so load
from other processes hits both alike); the reported time is the median over rounds after one
warm-up each (compile excluded). `speedup` = competitor time / ours (> 1: we are faster).
Peak memory: each side is run again alone in a subprocess (build + 2 calls, 1 with --quick;
the two sides' subprocesses at once; with --quick ours loads its executable from XLA's
persistent cache, `.jax_cache`, as any run after a workdir's first does, instead of compiling
it again) and its
peak RSS (VmHWM) minus the RSS of the same subprocess after imports is reported
(`peak_rss_delta_mib`), so the two sides do not share one high-water mark.

Writes bench/results/<name>.json per benchmark and the table between the BENCHMARKS.md markers.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
RESULTS = os.path.join(REPO, 'bench', 'results')

# name: (vocab, hidden, layers, heads, intermediate). The real vocabulary makes the embedding's
# AdamW update dominate; 8,000 leaves the encoder dominant.
SHAPES = {
    'real_small': (250002, 256, 4, 4, 1024),
    'real_base': (250002, 768, 2, 12, 3072),
    'encoder': (8000, 768, 2, 12, 3072),
    'tiny': (1000, 32, 2, 4, 64),
}


def rss_mib():
  with open('/proc/self/statm') as f:
    return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def max_rss_mib():
  # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork + exec, so a
  # subprocess would report its parent's high-water mark.
  with open('/proc/self/status') as f:
    return next(int(l.split()[1]) for l in f if l.startswith('VmHWM:')) / 1024  # kB


def machine():
  import jax  # pylint: disable=g-import-not-at-top
  import torch  # pylint: disable=g-import-not-at-top
  cpu = platform.processor()
  try:
    with open('/proc/cpuinfo') as f:
      cpu = next(l.split(':', 1)[1].strip() for l in f if l.startswith('model name'))
  except (OSError, StopIteration):
    pass
  return {'cpu': cpu, 'cores': os.cpu_count(), 'jax': jax.__version__, 'torch': torch.__version__,
          'jax_backend': jax.default_backend(), 'torch_threads': torch.get_num_threads()}


def batch_arrays(vocab, batch, seq, seed=0):
  rng = np.random.default_rng(seed)
  ids = rng.integers(3, vocab, (batch, seq)).astype(np.int32)
  ids[:, 0] = 0
  mask = np.ones((batch, seq), np.int32)
  labels = rng.integers(0, 3, batch).astype(np.int32)
  return ids, mask, labels


def build(shape_name, side, mode, batch, seq):
  """A zero-argument callable running one train step (mode 'train') or one forward
  (mode 'infer') of `side` ('ours' or 'torch'), blocking until done. Both sides get the same
  weights (ours initialised, copied into torch) and the same batch."""
  import jax  # pylint: disable=g-import-not-at-top
  import torch  # pylint: disable=g-import-not-at-top
  import transformers  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models import HeadSpec, Model, hf_state_dict  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models.config import XLMRConfig  # pylint: disable=g-import-not-at-top
  from xstilts_jax.parallel.mesh import make_mesh  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train import state as state_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train.optimizer import make_optimizer  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train.steps import make_eval_step, make_train_step  # pylint: disable=g-import-not-at-top

  vocab, hidden, layers, heads, inter = SHAPES[shape_name]
  config = XLMRConfig(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=heads, intermediate_size=inter)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  params = model.init_params(jax.random.PRNGKey(0), seq_len=8)
  ids, mask, labels = batch_arrays(vocab, batch, seq)

  if side == 'ours':
    if mode == 'infer':
      step = jax.jit(make_eval_step(model, 'nli'))
      inputs = {'input_ids': ids, 'attention_mask': mask}
      return lambda: jax.block_until_ready(step(params, inputs)['logits'])
    tx = make_optimizer(1e-5, total_steps=1000, warmup_fraction=0.1)
    mesh = make_mesh()
    init = lambda r: model.init(r, {'input_ids': ids[:1, :8], 'attention_mask': mask[:1, :8]},
                                'nli')['params']
    state, _ = state_lib.create_train_state(init, tx, jax.random.PRNGKey(1), mesh, params=params)
    step = jax.jit(make_train_step(model, tx, 'nli', 'classification'), donate_argnums=0)
    inputs = {'input_ids': ids, 'attention_mask': mask, 'label': labels}
    holder = [state]

    def run():
      holder[0], metrics = step(holder[0], inputs)
      jax.block_until_ready(metrics['loss'])
    return run

  torch.set_num_threads(os.cpu_count())
  hf_config = transformers.XLMRobertaConfig(
      vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
      intermediate_size=inter, max_position_embeddings=514, type_vocab_size=1,
      layer_norm_eps=1e-5, pad_token_id=1, num_labels=3, attn_implementation='sdpa')
  ref = transformers.XLMRobertaForSequenceClassification(hf_config)
  weights = {k: torch.from_numpy(np.array(v)) for k, v in
             hf_state_dict(config, {'encoder': params['encoder'], 'heads': {}}).items()}
  head = params['heads']['nli']  # HF's head has no pooler: dense -> tanh -> out_proj on <s>
  for name in ('dense', 'out_proj'):
    weights[f'classifier.{name}.weight'] = torch.from_numpy(np.array(head[name]['kernel']).T)
    weights[f'classifier.{name}.bias'] = torch.from_numpy(np.array(head[name]['bias']))
  missing, _ = ref.load_state_dict(weights, strict=False)
  if missing:
    raise RuntimeError(f'torch weights not set from ours: {missing}')
  t_ids, t_mask, t_labels = (torch.from_numpy(a).long() for a in (ids, mask, labels))
  if mode == 'infer':
    ref.eval()

    def run_infer():
      with torch.inference_mode():
        ref(input_ids=t_ids, attention_mask=t_mask).logits.sum().item()
    return run_infer
  ref.train()
  no_decay = [p for n, p in ref.named_parameters() if 'bias' in n or 'LayerNorm.weight' in n]
  decay = [p for n, p in ref.named_parameters() if not ('bias' in n or 'LayerNorm.weight' in n)]
  opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01},
                           {'params': no_decay, 'weight_decay': 0.0}], lr=1e-5, eps=1e-8)

  def run_train():
    opt.zero_grad(set_to_none=True)
    loss = ref(input_ids=t_ids, attention_mask=t_mask, labels=t_labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
    opt.step()
    loss.item()
  return run_train


def side_memory(shape, mode, batch, seq, calls=2):
  """Peak RSS growth of each side alone, each in a fresh subprocess (MiB): {side: MiB}. The
  two subprocesses run at once (their import and compile are mostly single-threaded); each
  reads its own high-water mark, so running together changes the time, not the peaks."""
  procs = {side: subprocess.Popen(
      [sys.executable, os.path.abspath(__file__), '--memory_worker',
       f'{shape},{mode},{batch},{seq},{side},{calls}'],
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
      env=dict(os.environ, PYTHONPATH=REPO)) for side in ('ours', 'torch')}
  out = {}
  for side, proc in procs.items():
    stdout, stderr = proc.communicate()
    if proc.returncode:
      raise RuntimeError(f'memory worker {side} failed (rc {proc.returncode}): {stderr[-2000:]}')
    out[side] = json.loads(stdout.strip().splitlines()[-1])['peak_rss_delta_mib']
  return out


def _compile_cache():
  """XLA's persistent cache (the tests' folder): the memory subprocesses and later runs reuse
  what the timed process compiled. Compilation is never timed (each side's warm-up call)."""
  import jax  # pylint: disable=g-import-not-at-top
  jax.config.update('jax_compilation_cache_dir', os.path.join(REPO, '.jax_cache'))
  jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.5)


def memory_worker(spec):
  shape, mode, batch, seq, side, calls = spec.split(',')
  if int(calls) == 1:  # --quick: our executable from XLA's cache, as every run after the first
    _compile_cache()  # (configs: compilation_cache='workdir'); full runs compile (their peak)
  import jax  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
  import torch  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
  import transformers  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
  base = rss_mib()
  run = build(shape, side, mode, int(batch), int(seq))
  for _ in range(int(calls)):
    run()
  print(json.dumps({'peak_rss_delta_mib': round(max_rss_mib() - base)}))


def compare(name, shape, mode, batch, seq, rounds, memory):
  runs = {side: build(shape, side, mode, batch, seq) for side in ('ours', 'torch')}
  for run in runs.values():
    run()  # warm-up: compile (ours), allocator and optimizer state (both)
  times = {side: [] for side in runs}
  cpu = {side: [] for side in runs}  # process CPU seconds: steadier than wall time under load
  for _ in range(rounds):
    for side, run in runs.items():
      start, start_cpu = time.perf_counter(), time.process_time()
      run()
      times[side].append(time.perf_counter() - start)
      cpu[side].append(time.process_time() - start_cpu)
  del runs
  ours, theirs = statistics.median(times['ours']), statistics.median(times['torch'])
  vocab, hidden, layers, heads, inter = SHAPES[shape]
  result = {
      'name': name, 'what': f'{mode} step, batch {batch} x seq {seq}, vocab {vocab}, hidden '
                            f'{hidden} x {layers} layers (heads {heads}, ffn {inter})',
      'competitor': ('XLMRobertaForSequenceClassification + torch.optim.AdamW' if mode == 'train'
                     else 'XLMRobertaForSequenceClassification under torch.inference_mode'),
      'unit': 's/step', 'ours': ours, 'competitor_time': theirs, 'speedup': theirs / ours,
      'rounds': rounds, 'ours_all': times['ours'], 'competitor_all': times['torch'],
      'ours_cpu_s': statistics.median(cpu['ours']),
      'competitor_cpu_s': statistics.median(cpu['torch']),
      'tokens_per_s_ours': batch * seq / ours, 'tokens_per_s_competitor': batch * seq / theirs}
  if mode == 'infer':
    result['examples_per_s_ours'], result['examples_per_s_competitor'] = batch / ours, batch / theirs
  if memory:
    result['peak_rss_delta_mib'] = side_memory(shape, mode, batch, seq, memory)
  return result


def mining(n, d):
  """bench/mining_bench.py (each method in its own subprocess), its JSON lines parsed."""
  out = subprocess.run([sys.executable, os.path.join(REPO, 'bench', 'mining_bench.py'),
                        '--n', str(n), '--d', str(d)], check=True, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=REPO))
  lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith('{')]
  by = {l['method']: l for l in lines if 'method' in l}
  ours, theirs = by['jax']['total_s'], by['faiss']['total_s']
  return {'name': f'mining_{n // 1000}k', 'what': f'BUCC margin mining {n} x {n}, d={d}, k=4',
          'competitor': 'faiss-cpu IndexFlatIP (same margin + greedy code)', 'unit': 's',
          'ours': ours, 'competitor_time': theirs, 'speedup': theirs / ours,
          'peak_rss_delta_mib': {'ours': by['jax']['peak_rss_mib'] - by['jax']['rss_after_data_mib'],
                                 'torch': None,
                                 'faiss': by['faiss']['peak_rss_mib'] - by['faiss']['rss_after_data_mib']},
          'details': lines}


def featurize(min_examples, batch):
  """bench/featurize_bench.py's two rates: featurization vs what a tiny-model step consumes."""
  sys.path.insert(0, os.path.join(REPO, 'bench'))
  import featurize_bench as fb  # pylint: disable=g-import-not-at-top
  real = os.environ.get('XSTILTS_REAL_DATA')
  data = os.path.join(real, 'xquad', 'xquad.en.json') if real else fb._FIXTURE  # pylint: disable=protected-access
  examples = fb._examples(data, min_examples)  # pylint: disable=protected-access
  rate, per_example = fb.featurize_rate('tiny', examples, 1)
  seconds, _, _ = fb.step_time('tiny', batch, 1000)
  consume = batch / seconds / per_example
  return {'name': 'featurize', 'what': f'SQuAD featurization (tiny tokenizer, 384/128/64, '
                                       f'{len(examples)} examples) vs a tiny-model QA step, batch {batch}',
          'competitor': 'examples/s the step consumes', 'unit': 'examples/s',
          'ours': rate, 'competitor_time': consume, 'speedup': rate / consume,
          'note': 'speedup here = featurization rate / consumption rate (> 1: input keeps up)'}


def loop_stall(steps, rounds):
  """bench/loop_stall.py: the training loop blocking every step (before) vs overlapped (now)."""
  sys.path.insert(0, os.path.join(REPO, 'bench'))
  import loop_stall as ls  # pylint: disable=g-import-not-at-top
  r = ls.measure(steps=steps, rounds=rounds)
  if not r['same_parameters']:
    raise RuntimeError('the two loops trained different parameters on the same batches')
  return dict(r, name='loop_stall', competitor='the same loop blocking on every step (before)',
              unit='s/step', ours=r['overlapped_s_per_step'],
              competitor_time=r['blocking_s_per_step'])


def zero_shot(sentences, rounds):
  """bench/zero_shot_bench.py: UD-POS German through our evaluation (length buckets) vs PyTorch
  padded to max_seq_length as jiant evaluates (row 1) and dynamically padded (row 2)."""
  sys.path.insert(0, os.path.join(REPO, 'bench'))
  import zero_shot_bench as zb  # pylint: disable=g-import-not-at-top
  r = zb.measure(sentences=sentences, batch=32, rounds=rounds)
  what = (f"zero-shot UD-POS de, {r['rows']} rows of real text (mean {r['mean_tokens']:.0f} of "
          f"{r['max_seq_length']} tokens), batch {r['batch']}, hidden 768 x 2 layers, vocab 250002")
  rows = []
  for name, side, competitor in (
      ('zero_shot', 'torch_padded', 'XLMRobertaForTokenClassification, inference_mode, every '
                                    'batch padded to max_seq_length (as jiant evaluates)'),
      ('zero_shot_dynamic', 'torch_dynamic', 'XLMRobertaForTokenClassification, inference_mode, '
                                             'rows sorted by length, each batch cut to its longest')):
    rows.append(dict(r, name=name, what=what, competitor=competitor, unit='s/pass',
                     ours=r['median_s']['ours'], competitor_time=r['median_s'][side],
                     speedup=r['median_s'][side] / r['median_s']['ours']))
  return rows


def _load():
  # Other jobs share the cores: the 1-minute load average says how much.
  return f'{os.getloadavg()[0]:.1f}'


def table(results, info, command):
  rows = ['| benchmark | what | ours | competitor | unit | speedup | peak RSS ours / comp. (MiB) |',
          '|---|---|---|---|---|---|---|']
  for r in results:
    mem = r.get('peak_rss_delta_mib') or {}
    comp_mem = mem.get('torch') if mem.get('torch') is not None else mem.get('faiss')
    mem_s = f"{mem.get('ours', '-')} / {comp_mem if comp_mem is not None else '-'}"
    rows.append(f"| {r['name']} | {r['what']} | {r['ours']:.4g} | {r['competitor_time']:.4g} | "
                f"{r['unit']} | {r['speedup']:.2f} | {mem_s} |")
  head = (f"Measured {info['date']} on {info['machine']['cpu']} ({info['machine']['cores']} cores; "
          f"jax {info['machine']['jax']}, torch {info['machine']['torch']}), command `{command}`.")
  return head + '\n\n' + '\n'.join(rows) + '\n'


def write_markdown(text):
  path = os.path.join(REPO, 'BENCHMARKS.md')
  begin, end = '<!-- bench/run.py table begin -->', '<!-- bench/run.py table end -->'
  doc = open(path).read() if os.path.exists(path) else f'# Benchmarks\n\n{begin}\n{end}\n'
  if begin not in doc:
    doc += f'\n{begin}\n{end}\n'
  pre, rest = doc.split(begin, 1)
  post = rest.split(end, 1)[1]
  with open(path, 'w') as f:
    f.write(pre + begin + '\n' + text + end + post)


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--quick', action='store_true', help='small sizes (a few minutes on CPU)')
  parser.add_argument('--only', default='', help='comma-separated benchmark names')
  parser.add_argument('--rounds', type=int, default=None)
  parser.add_argument('--no_memory', action='store_true', help='skip the per-side subprocesses')
  parser.add_argument('--out', default=RESULTS, help='folder for <name>.json')
  parser.add_argument('--no_markdown', action='store_true', help='leave BENCHMARKS.md alone')
  parser.add_argument('--memory_worker', help=argparse.SUPPRESS)
  args = parser.parse_args(argv)
  if args.memory_worker:
    return memory_worker(args.memory_worker)
  _compile_cache()

  rounds = args.rounds or (3 if args.quick else 10)
  batch = 4 if args.quick else 32  # train; inference runs 8 (quick) / 64
  memory = 0 if args.no_memory else (1 if args.quick else 2)  # calls per memory subprocess
  suite = {
      'train_real_small': lambda: compare('train_real_small', 'real_small', 'train', batch, 128, rounds, memory),
      'train_real_base': lambda: compare('train_real_base', 'real_base', 'train', batch, 128, rounds, memory),
      'train_encoder': lambda: compare('train_encoder', 'encoder', 'train', batch, 128, rounds, memory),
      'infer_real_base': lambda: compare('infer_real_base', 'real_base', 'infer', 2 * batch, 128, rounds, memory),
      'mining': lambda: mining(10_000 if args.quick else 100_000, 1024),
      'featurize': lambda: featurize(200 if args.quick else 1000, 16),
      'loop_stall': lambda: loop_stall(5 if args.quick else 30, rounds),
      # --quick: 2 rounds (the median is their mean) of 256 sentences rather than 3 of fewer.
      'zero_shot': lambda: zero_shot(256 if args.quick else 1000, 2 if args.quick else rounds),
      'train_tiny': lambda: compare('train_tiny', 'tiny', 'train', 2, 16, 2, memory),
  }
  names = [n for n in args.only.split(',') if n] or [n for n in suite if n != 'train_tiny']
  unknown = sorted(set(names) - set(suite))
  if unknown:
    parser.error(f'unknown benchmarks {unknown}; expected some of {sorted(suite)}')
  info = {'machine': machine(), 'date': datetime.datetime.now(datetime.timezone.utc).strftime(
      '%Y-%m-%d %H:%M UTC'), 'quick': args.quick}
  os.makedirs(args.out, exist_ok=True)
  command = ('python bench/run.py ' + ' '.join(argv if argv is not None else sys.argv[1:])).strip()
  suite_start, load_before = time.perf_counter(), _load()
  results = []
  for name in names:
    start = time.perf_counter()
    out = suite[name]()
    for result in out if isinstance(out, list) else [out]:  # zero_shot: a row per competitor
      result = dict(result, **info)
      result['wall_s'] = time.perf_counter() - start
      results.append(result)
      with open(os.path.join(args.out, f"{result['name']}.json"), 'w') as f:
        json.dump(result, f, indent=1)
      print(f"{result['name']}: ours {result['ours']:.4g} competitor "
            f"{result['competitor_time']:.4g} {result['unit']} speedup {result['speedup']:.2f} "
            f"({result['wall_s']:.0f} s)", flush=True)
    if not args.no_markdown:  # after each benchmark: a run cut short leaves its table so far
      write_markdown(table(results, info, command))
  total = time.perf_counter() - suite_start
  text = table(results, info, command) + f'\nWhole run: {total:.0f} s wall; load average ' \
      f'before / after: {load_before} / {_load()}.\n'
  print(text)
  if not args.no_markdown:
    write_markdown(text)
  return results


if __name__ == '__main__':
  main()

"""XLM-R Base and Large shapes through the real entry point: step time and peak memory.

  python bench/real_shapes.py --shapes base,large --out /tmp/real_shapes

For each shape: a random XLM-R checkpoint with the real sizes (vocabulary 250,002, `config.json`
as `transformers` writes it, random weights of `XLMRobertaForMaskedLM` saved with
`save_pretrained` as safetensors), then one run of

  python -m xstilts_jax.main --config configs/xlmr_<shape>.py --workdir ... \
      --config.model.pretrained=<that checkpoint> --config.tokenizer=tiny \
      --config.data.source=local --config.data.data_dir=<the shipped fixtures> ...

shortened to `--steps` steps per phase: intermediate HellaSwag (multiple choice), targets XNLI
(classification), UD-POS (tagging), XQuAD (span QA), Tatoeba (retrieval), evaluated on en and
de. The tokenizer is the shipped tiny one (ids < 2,469): the real sentencepiece model cannot be
fetched here, and what costs memory and time is the 250,002-row embedding and its Adam state,
which the model has at full size. Everything else is the real run's config (bf16 compute, fp32
weights, AdamW, checkpoints, model selection, zero-shot, report).

It prints a table: shape, phase, wall time of the phase, first step (compile included), a later
step (with --steps >= 2), and the peak memory of the phase: host RSS on CPU, device memory
(`jax.devices()[0].memory_stats()`) on a GPU or TPU. The numbers also go to <out>/results.json.

On a GPU the command is the same. The CUDA image used for device checks has jax, flax, optax,
orbax, transformers and torch, but not ml_collections, tensorboardX or datasets; `main.py` needs
the first two (datasets only on the hub path). Carry their wheels:

  pip download --no-deps -d wheels ml_collections tensorboardX     # here, with internet
  pip install --no-index --no-deps wheels/*.whl                      # there

The script checks the imports first and names what is missing.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
FIXTURES = os.path.join(ROOT, 'xstilts_jax', 'tasks', 'fixtures')

# XLM-R's config.json on the hub (FacebookAI/xlm-roberta-base, -large); what differs per shape.
SHAPES = {
    'base': dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                 intermediate_size=3072),
    'large': dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                  intermediate_size=4096),
}
COMMON = dict(vocab_size=250002, max_position_embeddings=514, type_vocab_size=1,
              layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2,
              hidden_act='gelu', hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
              initializer_range=0.02)
# Parameters of the released models as Hugging Face counts them (XLMRobertaModel, pooler included).
REAL_PARAMS = {'base': 278_043_648, 'large': 559_890_432}

INTERMEDIATE = 'hellaswag'                      # multiple choice
TARGETS = ('xnli', 'udpos', 'xquad', 'tatoeba')  # classification, tagging, span QA, retrieval
LANGUAGES = 'en,de'
NEEDED = ('jax', 'flax', 'optax', 'orbax.checkpoint', 'transformers', 'torch', 'tokenizers',
          'safetensors', 'ml_collections', 'tensorboardX', 'absl', 'tqdm', 'matplotlib')
_PHASE = re.compile(r'^\[(intermediate|target_\w+|retrieval)\]')


def write_checkpoint(shape: str, out_dir: str, seed: int = 0) -> dict:
  """Random XLMRobertaForMaskedLM with the real sizes, saved by transformers; returns counts."""
  import torch  # pylint: disable=g-import-not-at-top
  from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM  # pylint: disable=g-import-not-at-top
  start = time.time()
  config = XLMRobertaConfig(**COMMON, **SHAPES[shape])
  torch.manual_seed(seed)
  model = XLMRobertaForMaskedLM(config)
  encoder = sum(p.numel() for p in model.roberta.parameters())
  total = sum(p.numel() for p in model.parameters())  # + the MLM head (decoder tied)
  init_s = time.time() - start
  model.save_pretrained(out_dir)
  del model
  return {'encoder_params': encoder, 'params_with_mlm_head': total, 'init_s': init_s,
          'write_s': time.time() - start - init_s}


def main_flags(shape, pretrained, workdir, *, steps=1, batch_size=2, seq_length=32,
               qa_seq_length=64, eval_batch_size=4, max_examples=4, extra=()):
  """The `python -m xstilts_jax.main` flags of one shortened run."""
  flags = [f'--config={os.path.join(ROOT, "configs", f"xlmr_{shape}.py")}',
           f'--workdir={workdir}',
           f'--config.model.pretrained={pretrained}', '--config.tokenizer=tiny',
           '--config.data.source=local', f'--config.data.data_dir={FIXTURES}',
           f'--config.intermediate.tasks={INTERMEDIATE}', f'--config.targets={",".join(TARGETS)}',
           f'--config.eval.languages={LANGUAGES}', f'--config.eval.max_examples={max_examples}',
           f'--config.eval.batch_size={eval_batch_size}',
           f'--config.retrieval.max_seq_length={seq_length}',
           f'--config.retrieval.batch_size={eval_batch_size}',
           '--config.qa.doc_stride=32', '--config.qa.max_query_length=16',
           # No full-state checkpoint (the best parameters are still saved and reloaded).
           f'--config.checkpoint.every={steps + 1}', '--config.compilation_cache=']
  for phase in ('intermediate', 'target'):
    flags += [f'--config.{phase}.num_steps={steps}', f'--config.{phase}.eval_every=0',
              f'--config.{phase}.log_every=1', f'--config.{phase}.batch_size={batch_size}',
              f'--config.{phase}.qa_batch_size={batch_size}',
              f'--config.{phase}.max_seq_length={seq_length}',
              f'--config.{phase}.qa_max_seq_length={qa_seq_length}',
              f'--config.{phase}.eval_examples={max_examples}']
  return flags + list(extra)


# ---------------------------------------------------------------- the child: main + a sampler

def _memory_sampler(path, interval=0.1):
  """Writes `time rss_bytes device_bytes_in_use device_peak_bytes` lines until the process ends.
  Device numbers only once the program itself has started JAX (never starts it here: main.py
  sets XLA_FLAGS first), and only where the backend reports them (GPU, TPU; not CPU)."""
  page = os.sysconf('SC_PAGE_SIZE')
  device = None
  with open(path, 'w', buffering=1) as f:
    while True:
      with open('/proc/self/statm') as statm:
        rss = int(statm.read().split()[1]) * page
      in_use = peak = -1
      # Never import here (a half-imported jax breaks); backends exist only after jax is.
      bridge = sys.modules.get('jax._src.xla_bridge')
      if device is None and getattr(bridge, '_backends', None):
        device = sys.modules['jax'].devices()[0]
      if device is not None:
        stats = device.memory_stats() or {}
        in_use, peak = stats.get('bytes_in_use', -1), stats.get('peak_bytes_in_use', -1)
      f.write(f'{time.time():.3f} {rss} {in_use} {peak}\n')
      time.sleep(interval)


def child(argv):
  samples = os.environ['REAL_SHAPES_MEMORY_LOG']
  threading.Thread(target=_memory_sampler, args=(samples,), daemon=True).start()
  sys.argv = ['xstilts_jax.main'] + argv
  from xstilts_jax import main  # pylint: disable=g-import-not-at-top
  main.run()


# ---------------------------------------------------------------- the parent: run and measure

def run_main(flags, log_path, samples_path, timeout=None):
  """Runs main (through `child`) in a subprocess; returns its phases, memory and exit code."""
  env = dict(os.environ, REAL_SHAPES_MEMORY_LOG=samples_path, PYTHONUNBUFFERED='1',
             PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get('PYTHONPATH')) if p))
  start = time.time()
  marks = [('load', start)]  # (phase, time its first line was printed)
  proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--child'] + flags,
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
  timer = threading.Timer(timeout, proc.kill) if timeout else None
  if timer:
    timer.start()
  with open(log_path, 'w') as log:
    for line in proc.stdout:
      log.write(line)
      m = _PHASE.match(line)
      if m and m.group(1) != marks[-1][0]:
        marks.append((m.group(1), time.time()))
  _, status, usage = os.wait4(proc.pid, 0)
  proc.returncode = os.waitstatus_to_exitcode(status)
  if timer:
    timer.cancel()
  end = time.time()
  samples = []
  if os.path.exists(samples_path):
    with open(samples_path) as f:
      samples = [tuple(float(x) for x in line.split()) for line in f if line.count(' ') == 3]
  phases = {}
  for i, (name, t0) in enumerate(marks):
    t1 = marks[i + 1][1] if i + 1 < len(marks) else end
    inside = [s for s in samples if t0 <= s[0] < t1] or samples[-1:]
    phases[name] = {'wall_s': t1 - t0,
                    'peak_rss_bytes': int(max((s[1] for s in inside), default=-1)),
                    'peak_device_bytes': int(max((s[3] for s in inside), default=-1))}
  return {'returncode': proc.returncode, 'wall_s': end - start, 'phases': phases,
          # ru_maxrss of this child alone (KiB on Linux): the exact peak, not a sample.
          'peak_rss_bytes': usage.ru_maxrss * 1024,
          'cpu_s': usage.ru_utime + usage.ru_stime,
          'peak_device_bytes': int(max((s[3] for s in samples), default=-1))}


def step_times(workdir, phase):
  """(first step incl. compile, last step) in seconds, from the phase's metrics.jsonl."""
  path = os.path.join(workdir, phase, 'metrics.jsonl')
  if not os.path.exists(path):
    return None, None
  with open(path) as f:
    rows = [json.loads(l) for l in f if l.strip()]
  rates = {r['step']: r['train/steps_per_sec'] for r in rows if 'train/steps_per_sec' in r}
  if not rates:
    return None, None
  first = 1.0 / rates[min(rates)]
  last = 1.0 / rates[max(rates)] if max(rates) > min(rates) else None
  return first, last


def start_checkpoint(shape, out):
  """Starts writing the random checkpoint of `shape` under `out`; returns (process, path).
  In a subprocess: torch's copy of the model must not stay in the process that runs main."""
  ckpt = os.path.join(out, f'{shape}_checkpoint')
  proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--write_checkpoint',
                           shape, ckpt], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
  return proc, ckpt


def finish_checkpoint(started):
  """(path, parameter counts) once the writer `start_checkpoint` started has finished."""
  proc, ckpt = started
  out, err = proc.communicate()
  if proc.returncode != 0:
    raise RuntimeError(f'writing {ckpt} failed (exit {proc.returncode}):\n{err[-3000:]}')
  return ckpt, json.loads(out.strip().splitlines()[-1])


def measure_shape(shape, out, *, steps=1, timeout=None, keep=False, checkpoint=None, **sizes):
  """Checkpoint + one run of one shape; returns its numbers (raises if the run failed).
  `checkpoint`: what `start_checkpoint(shape, out)` returned, when it was started earlier."""
  workdir = os.path.join(out, f'{shape}_run')
  ckpt, counts = finish_checkpoint(checkpoint or start_checkpoint(shape, out))
  run = run_main(main_flags(shape, ckpt, workdir, steps=steps, **sizes),
                 os.path.join(out, f'{shape}.log'), os.path.join(out, f'{shape}_memory.txt'),
                 timeout=timeout)
  if run['returncode'] != 0:
    with open(os.path.join(out, f'{shape}.log')) as f:
      tail = f.read()[-3000:]
    raise RuntimeError(f'{shape}: main exited with {run["returncode"]}:\n{tail}')
  with open(os.path.join(workdir, 'results.json')) as f:
    results = json.load(f)
  for name, phase in run['phases'].items():
    phase['first_step_s'], phase['step_s'] = step_times(workdir, name)
  if not keep:
    import shutil  # pylint: disable=g-import-not-at-top
    shutil.rmtree(ckpt, ignore_errors=True)
    shutil.rmtree(workdir, ignore_errors=True)
  return dict(shape=shape, checkpoint=counts, real_params=REAL_PARAMS[shape], **run,
              scores=results['scores'], results=results['phases'])


def _gib(n):
  return f'{n / 2**30:.2f}' if n and n > 0 else '–'


def _sec(s):
  return f'{s:.1f}' if s is not None else '–'


def table(measured) -> str:
  device = any(m['peak_device_bytes'] > 0 for m in measured)
  memory = 'peak device GiB' if device else 'peak host RSS GiB'
  lines = [f'| shape | phase | format | wall s | first step s (compile incl.) | step s | {memory} |',
           '|---|---|---|---|---|---|---|']
  formats = {'load': 'checkpoint load', 'intermediate': 'multiple choice',
             'target_xnli': 'classification', 'target_udpos': 'tagging',
             'target_xquad': 'span QA', 'retrieval': 'retrieval'}
  for m in measured:
    for name, p in m['phases'].items():
      mem = p['peak_device_bytes'] if device else p['peak_rss_bytes']
      lines.append(f'| {m["shape"]} | {name} | {formats.get(name, "")} | {p["wall_s"]:.1f} | '
                   f'{_sec(p.get("first_step_s"))} | {_sec(p.get("step_s"))} | {_gib(mem)} |')
    mem = m['peak_device_bytes'] if device else m['peak_rss_bytes']
    c = m['checkpoint']
    lines.append(f'| {m["shape"]} | **whole run** ({m["cpu_s"]:.0f} CPU s) | '
                 f'{c["encoder_params"] / 1e6:.1f}M encoder params (real '
                 f'{m["real_params"] / 1e6:.1f}M with pooler) | {m["wall_s"]:.1f} | | | '
                 f'**{_gib(mem)}** |')
  return '\n'.join(lines)


def missing_modules():
  import importlib.util  # pylint: disable=g-import-not-at-top
  return [m for m in NEEDED if importlib.util.find_spec(m.split('.')[0]) is None
          or importlib.util.find_spec(m) is None]


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  p.add_argument('--shapes', default='base,large')
  p.add_argument('--out', default='/tmp/real_shapes')
  p.add_argument('--steps', type=int, default=2, help='steps per phase (>= 2: a step time '
                 'without compilation)')
  p.add_argument('--batch_size', type=int, default=2)
  p.add_argument('--seq_length', type=int, default=32)
  p.add_argument('--qa_seq_length', type=int, default=64)
  p.add_argument('--keep', action='store_true', help='keep checkpoints and workdirs')
  p.add_argument('extra', nargs='*', help='more --config.x=y flags for main')
  args = p.parse_args(argv)
  missing = missing_modules()
  if missing:
    sys.exit(f'missing modules: {", ".join(missing)} (see this file\'s docstring: '
             'pip install --no-index --no-deps wheels/*.whl)')
  os.makedirs(args.out, exist_ok=True)
  measured = []
  for shape in args.shapes.split(','):
    m = measure_shape(shape, args.out, steps=args.steps, keep=args.keep,
                      batch_size=args.batch_size, seq_length=args.seq_length,
                      qa_seq_length=args.qa_seq_length, extra=args.extra)
    measured.append(m)
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
      json.dump(measured, f, indent=2)
    print(table([m]) + '\n', flush=True)
  if len(measured) > 1:
    print(table(measured))


if __name__ == '__main__':
  if sys.argv[1:2] == ['--child']:
    child(sys.argv[2:])
  elif sys.argv[1:2] == ['--write_checkpoint']:
    print(json.dumps(write_checkpoint(*sys.argv[2:4])))
  else:
    main()

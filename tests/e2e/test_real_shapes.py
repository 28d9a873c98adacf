"""XLM-R Base's and Large's shapes through the real entry point, one step per phase, on the CPU.

Random weights with the real sizes (vocabulary 250,002; `config.json` and safetensors written
by `transformers`), loaded by `load_pretrained`, then `python -m xstilts_jax.main` with the
shipped tiny tokenizer and fixtures: one intermediate step (HellaSwag, multiple choice), one
target step each for XNLI (classification), UD-POS (tagging), XQuAD (span QA), then Tatoeba
(retrieval), zero-shot on en and de. `bench/real_shapes.py` does the work (the same script
measures a GPU); its table of step times and peak memory ends the test session's output.

The layers run under `nn.scan` (`--config.model.scan_layers=True`, the XL/XXL configs' setting):
the same parameters, memory and numerics (tests/models/test_encoder.py), but XLA compiles one
layer instead of 12 or 24 for each of the run's ten programs. `python bench/real_shapes.py`
runs the unscanned stack.

Large peaks at ~17 GiB of the CI machine's 24 (Base at ~9): the shapes run one after the other in
this module, and the suite runs on two pytest-xdist workers that each take whole files
(`--dist loadfile`), so at most one other module, none of them memory-hungry (the suite's peak
with both workers busy was 19.5 GiB), runs beside it.
"""

import importlib.util
import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
_spec = importlib.util.spec_from_file_location(
    'real_shapes', os.path.join(ROOT, 'bench', 'real_shapes.py'))
real_shapes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real_shapes)

MACHINE_GIB = 24  # the CI machine's memory
SHAPES = ('base', 'large')


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
  """The random checkpoints of SHAPES, their writers (torch, a subprocess each) started
  together (with Large listed, its checkpoint is written while Base runs: its writer peaks at
  3.4 GiB RSS, beside Base's 8 GiB run)."""
  out = str(tmp_path_factory.mktemp('real_shapes'))
  started = {shape: real_shapes.start_checkpoint(shape, out) for shape in SHAPES}
  yield out, started
  for proc, _ in started.values():  # a test that failed early leaves its writer behind
    if proc.poll() is None:
      proc.kill()
      proc.wait()


@pytest.mark.parametrize('shape', SHAPES)
def test_real_shape_runs_every_format(shape, checkpoints, record_property):
  out, started = checkpoints
  m = real_shapes.measure_shape(shape, out, steps=1, timeout=3600, checkpoint=started[shape],
                                extra=('--config.model.scan_layers=True',))
  # Step times and peak memory, printed at the end of the test session (tests/conftest.py).
  record_property('summary', real_shapes.table([m]))

  # The checkpoint has the real model's size: the released model's count less its pooler.
  hidden = real_shapes.SHAPES[shape]['hidden_size']
  pooler = hidden * hidden + hidden
  assert m['checkpoint']['encoder_params'] == m['real_params'] - pooler

  # Every phase ran its step; every format has results on both languages.
  expected = ['load', 'intermediate'] + [f'target_{t}' for t in real_shapes.TARGETS[:3]]
  assert list(m['phases'])[:5] == expected and list(m['phases'])[-1] == 'retrieval'
  for name in expected[1:]:
    assert m['phases'][name]['first_step_s'] > 0, name
  dev = m['results']['intermediate']['best']['dev']
  assert 0 <= dev[real_shapes.INTERMEDIATE]['accuracy'] <= 100, dev
  tasks = m['scores']['tasks']
  for task in real_shapes.TARGETS:
    langs = ['de'] if task == 'tatoeba' else ['en', 'de']
    assert sorted(tasks[task]['langs']) == sorted(langs), (task, tasks[task]['langs'])

  # Memory: at least parameters + Adam's two moments in fp32 were resident (the full-size
  # model was really built), and the run fits the machine.
  params = m['checkpoint']['encoder_params']
  assert m['peak_rss_bytes'] > 3 * 4 * params
  assert m['peak_rss_bytes'] < MACHINE_GIB * 2**30 * 0.9

"""The embedded demo: tiny random model, tiny tokenizer, shipped fixtures, CPU, minutes.

  python -m xstilts_jax.main --config configs/tiny.py --workdir /tmp/xstilts_tiny

Intermediate phase on MNLI, then every XTREME target task, zero-shot evaluation on every
language of the fixtures, and the XTREME table. The code path is the real one; only sizes
(model, lengths, steps) are small. The numbers mean nothing beyond "it runs end to end".
"""

import os
import runpy

_default = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default.py'))


def get_config():
  c = _default['get_config']()
  c.model.pretrained = ''            # random init of the preset
  c.model.preset = 'tiny'
  c.model.dtype = 'float32'
  c.tokenizer = 'tiny'
  c.data.source = 'local'
  c.data.data_dir = ''               # the shipped fixtures

  for phase in (c.intermediate, c.target):
    phase.batch_size = 8
    phase.qa_batch_size = 8
    phase.max_seq_length = 64
    phase.qa_max_seq_length = 64
    phase.learning_rate = 1e-3       # a random tiny model needs a large LR to learn anything
    phase.eval_every = 20
    phase.eval_examples = 500
    phase.log_every = 10
  c.intermediate.tasks = 'mnli'
  c.intermediate.epochs = 0.0
  c.intermediate.num_steps = 40
  c.target.num_steps = 30

  c.qa.doc_stride = 32
  c.qa.max_query_length = 16
  c.retrieval.layer = 1              # of 2
  c.retrieval.max_seq_length = 64
  c.retrieval.batch_size = 32
  c.eval.batch_size = 32
  c.mlm.skip_missing_languages = True    # MLM fixture text exists for 9 of the 40 languages
  c.checkpoint.every = 20
  # The tiny model runs in microseconds; XLA's compile time is what a CPU run waits for, and
  # LLVM -O0 halves it. Same code path, only the machine code is less optimised.
  c.xla_flags = '--xla_backend_optimization_level=0'
  return c

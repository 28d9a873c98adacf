"""XLM-R Large with the intermediate phase as jiant's own X-STILTs guide runs it.

  python -m xstilts_jax.main --config configs/jiant_xstilts.py --workdir runs/mnli-jiant

jiant's `guides/projects/xstilts.md` trains phase 2 with the `simple` runscript
(`jiant/proj/simple/runscript.py`) and `--train_batch_size 4`; its defaults give:
batch 4 for every task, length 256 for every task (SQuAD too), 3 epochs, lr 1e-5, clip 1.0
after every micro-batch (jiant's training loop), 10% warmup, and no model selection
(`eval_every_steps` 0, no `do_save_best`: the weights at the end are the ones kept).
Here: `eval_every = 0` evaluates once, at the last step, so the last parameters are the
phase's result; multi-task sampling by size, as jiant's with its one batch size.

Everything else, the target phase included, is `xlmr_large.py` (PROTOCOL.md's XTREME-script
settings: batch 32 (QA 16), length 256 (QA 384), model selection every 1000 steps on English
dev). The clip switch is global: in phase 3, without accumulation, it differs from the
default only by torch's 1e-6 in the clip coefficient. Whether the paper ran phase 2 like
this or like the default is not settled; both exist.
"""

import os
import runpy

_large = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     'xlmr_large.py'))


def get_config():
  c = _large['get_config']()
  phase = c.intermediate
  phase.batch_size = 4
  phase.qa_batch_size = 4
  phase.max_seq_length = 256
  phase.qa_max_seq_length = 256
  phase.epochs = 3.0
  phase.learning_rate = 1e-5
  phase.eval_every = 0            # evaluated once, at the end: the last weights are kept
  c.optimizer.max_grad_norm = 1.0
  c.optimizer.grad_accum_steps = 1
  c.optimizer.clip_per_micro_batch = True
  return c

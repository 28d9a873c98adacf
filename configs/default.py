"""The full config schema, with the real run's values (PROTOCOL.md: jiant's XTREME settings).

Every other config starts from this one and changes what it must. Any value can be changed
on the command line: `--config.intermediate.tasks=squad_v1 --config.targets=xnli,pawsx`.

  seed                 drives init, dropout, data order (shuffle, multi-task sampling, masking)
  dry_run              print the plan (phases, examples per split and language, steps,
                       outputs) after the preflight check, and train nothing
  model                pretrained weights (hub id or dir; '' = random init of `preset`), dtype,
                       remat, scan over layers, dropout
  tokenizer            hub id / dir, or 'tiny' (shipped); '' = same as model.pretrained
  data                 where the examples come from: 'local' (XTREME raw layout under data_dir,
                       default $XSTILTS_DATA or ~/xstilts_data; '' = shipped fixtures) or
                       'hub' (datasets ids of the registry; opt-in)
  parallel             mesh shape and axis names, logical-axis rules
  optimizer            AdamW + linear warmup/decay, clip (per step, or per micro-batch as
                       jiant), gradient accumulation
  intermediate         phase 2: tasks ('' = no intermediate phase: the XLM-R baseline;
                       'mnli,mlm' = MNLI with continued multilingual MLM); `translated`:
                       English, translated or mixed training data (also in `target`)
  mlm                  continued-MLM text: languages, documents per language
  benchmark            'xtreme' or 'xtreme-r': the language lists of zero-shot evaluation and,
                       with targets left at XTREME's nine, XTREME-R's ten targets
                       (xstilts_jax/tasks/benchmarks.py)
  targets              phase 3: comma-separated XTREME tasks (bucc2018/tatoeba: no training)
  target               phase 3 training settings, epochs per task
  qa                   doc stride, query length, n-best, answer length
  retrieval            pooled layer, length, BUCC k
  ranking              the dual encoder (Mewsli-X, LAReQA): query / candidate lengths per
                       task, how a candidate's context is encoded
  eval                 batch size, compute dtype (float32 as jiant's XTREME runs; training uses
                       model.dtype), limits on test examples/languages (0/'' = all)
  checkpoint           interval, how many to keep
  compilation_cache    XLA's persistent compilation cache ('workdir', a path, '' = off)
  xla_flags            appended to XLA_FLAGS before JAX starts
  debug.nan_at_step    test hook: poison the parameters at that step (NaN handling test)
"""

import os

import ml_collections

# Target epochs per XTREME task (PROTOCOL.md, jiant's XTREME scripts).
TARGET_EPOCHS = {'xnli': 2, 'pawsx': 5, 'udpos': 10, 'panx': 10,
                 'xquad': 2, 'mlqa': 2, 'tydiqa': 2,
                 # XTREME-R's new targets, as its scripts train them.
                 'xcopa': 5, 'mewslix': 2, 'lareqa': 3}
ALL_TARGETS = 'xnli,pawsx,udpos,panx,xquad,mlqa,tydiqa,bucc2018,tatoeba'


def phase_config(**overrides):
  """Training settings of one phase; the same schema for intermediate and target phases."""
  c = ml_collections.ConfigDict()
  c.epochs = 3.0
  c.num_steps = 0               # > 0 overrides epochs (every task of the phase)
  c.batch_size = 32             # global batch per step, in examples; with gradient
                                # accumulation the optimizer sees batch × grad_accum_steps
  c.qa_batch_size = 16          # span QA tasks (PROTOCOL.md)
  c.max_seq_length = 256
  c.qa_max_seq_length = 384
  c.learning_rate = 1e-5
  c.eval_every = 1000           # model selection interval, in steps (0: only at the end)
  c.eval_examples = 500         # first N examples of the ENGLISH dev set, never target languages
  c.max_train_examples = 0      # > 0: keep only the first N training examples (smoke runs)
  c.log_every = 50
  # Multi-task sampling: p(task) ∝ min(size, cap) ** (1 / temperature).
  c.mixing_temperature = 1.0
  c.mixing_cap = 0              # 0 = no cap
  # Translate-train data for the phase's tasks that XTREME translated (data/translated.py):
  # languages '' = English only (the paper's setting), 'de,fr' or 'all'; weight = fraction of
  # translated examples in each such task's training data, split evenly (0 = every file
  # whole, as XTREME's translate-train-all); weights = per language, 'de:0.3,fr:0.2'.
  # Model selection stays on the English dev set.
  c.translated = ml_collections.ConfigDict(dict(languages='', weight=0.0, weights=''))
  c.update(overrides)
  return c


def get_config():
  c = ml_collections.ConfigDict()
  c.seed = 0
  c.dry_run = False                 # True: check, print the plan (phases, data, steps), exit

  c.model = ml_collections.ConfigDict()
  c.model.pretrained = 'FacebookAI/xlm-roberta-large'
  c.model.preset = 'xlmr_large'     # only used with pretrained == '' (random init)
  c.model.dtype = 'bfloat16'        # compute dtype; parameters stay float32
  c.model.param_dtype = 'float32'
  c.model.remat = False
  c.model.scan_layers = False
  c.model.dropout = 0.1

  c.tokenizer = ''                  # '' = the tokenizer of model.pretrained

  c.data = ml_collections.ConfigDict()
  c.data.source = 'local'           # 'local' (the downloaded raw data) or 'hub' (opt-in)
  # local: XTREME's raw layout, as `python -m xstilts_jax.data.download` writes it (same
  # default as its --dest); '' = the shipped fixtures.
  c.data.data_dir = os.environ.get('XSTILTS_DATA', os.path.expanduser('~/xstilts_data'))
  c.data.prefetch = 2               # batches put on the devices ahead of use (0: in the loop)
  c.data.hub_dir = ''               # hub: saved copies, DIR/<hub path>/<config or default>

  c.parallel = ml_collections.ConfigDict()
  c.parallel.mesh_shape = (-1, 1, 1)   # -1: all remaining devices
  c.parallel.mesh_axes = ('data', 'fsdp', 'tensor')
  c.parallel.rules = ()                # () = the default logical-axis rules of parallel/

  c.optimizer = ml_collections.ConfigDict()
  c.optimizer.b1 = 0.9
  c.optimizer.b2 = 0.999
  c.optimizer.eps = 1e-8
  c.optimizer.weight_decay = 0.01   # not on biases and LayerNorm
  c.optimizer.warmup_fraction = 0.1
  c.optimizer.max_grad_norm = 1.0
  c.optimizer.grad_accum_steps = 1
  # True: clip the accumulated gradient after every micro-batch, as jiant's training loop
  # does (exact reproduction); False: once per optimizer step, on the mean gradient.
  c.optimizer.clip_per_micro_batch = False

  c.intermediate = phase_config(epochs=3.0)
  c.intermediate.tasks = 'mnli'     # comma-separated; several = multi-task

  # Continued multilingual MLM, when 'mlm' is one of the intermediate tasks (PROTOCOL.md):
  # text of these languages ('' = all 40) mixed in as one more task, from the pretrained head.
  c.mlm = ml_collections.ConfigDict()
  c.mlm.languages = ''
  c.mlm.max_per_language = 0        # > 0: first N documents per language
  c.mlm.skip_missing_languages = False

  c.benchmark = 'xtreme'            # or 'xtreme-r' (its ten targets and language lists)
  c.targets = ALL_TARGETS
  c.target = phase_config(epochs=2.0)
  c.target.epochs_per_task = ml_collections.ConfigDict(TARGET_EPOCHS)

  c.qa = ml_collections.ConfigDict()
  c.qa.doc_stride = 128
  c.qa.max_query_length = 64
  c.qa.n_best = 20
  c.qa.max_answer_length = 30

  c.retrieval = ml_collections.ConfigDict()
  c.retrieval.layer = 14            # hidden_states index (0 = embeddings); 14 of 24 for Large
  c.retrieval.max_seq_length = 512
  c.retrieval.batch_size = 128
  c.retrieval.bucc_k = 4

  # The dual encoder (format 'ranking': Mewsli-X, LAReQA), XTREME-R's lengths
  # (scripts/train_mewslix.sh, train_lareqa.sh); a task not listed takes the phase's
  # max_seq_length. candidate_context: 'concat' (XTREME-R: sentence + paragraph as one text)
  # or 'pair' (two segments).
  c.ranking = ml_collections.ConfigDict()
  c.ranking.max_query_length = ml_collections.ConfigDict({'mewslix': 64, 'lareqa': 96})
  c.ranking.max_candidate_length = ml_collections.ConfigDict({'mewslix': 64, 'lareqa': 256})
  c.ranking.candidate_context = 'concat'

  c.eval = ml_collections.ConfigDict()
  c.eval.batch_size = 128
  c.eval.dtype = 'float32'          # compute dtype of dev selection, zero-shot and retrieval
  c.eval.max_examples = 0           # > 0: first N test examples per language (smoke runs)
  c.eval.languages = ''             # '' = the benchmark's languages of each task
  c.eval.skip_missing_languages = False  # True: a language without test data is skipped

  c.checkpoint = ml_collections.ConfigDict()
  c.checkpoint.every = 1000         # steps; SIGTERM also saves
  c.checkpoint.keep = 2

  # XLA's persistent compilation cache: 'workdir' (<workdir>/.xla_cache: a resumed run or a
  # phase with the same shapes skips compiling), a path, or '' (off).
  c.compilation_cache = 'workdir'
  c.xla_flags = ''                  # appended to XLA_FLAGS before JAX starts

  # Test hook: multiply the loss by this at step `debug.nan_at_step` to make it inf/NaN.
  c.debug = ml_collections.ConfigDict()
  c.debug.nan_at_step = -1
  return c

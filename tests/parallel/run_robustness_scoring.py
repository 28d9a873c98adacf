"""Scores a finished workdir's target models with the robustness gold scorer on given meshes;
prints one JSON line of results per mesh.

Run in a subprocess (the device count is fixed when JAX starts):
  XLA_FLAGS=--xla_force_host_platform_device_count=8 \
      python tests/parallel/run_robustness_scoring.py --workdir W --meshes 8,1,1:1,8,1
Per task: the gold log-probabilities and argmax-is-gold flags of the first --examples test
examples (English, then the fixtures' other languages), and the edits one greedy
`adversarial.attack` call finds for the first --attack_examples of them (English).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--workdir', required=True)
  p.add_argument('--meshes', default='1,1,1')
  p.add_argument('--tasks', default='xnli,udpos,xquad')
  p.add_argument('--examples', type=int, default=24)
  p.add_argument('--attack_examples', type=int, default=4)
  args = p.parse_args()

  import jax
  import numpy as np
  from xstilts_jax.data import featurize as featurize_lib
  from xstilts_jax.eval import predict
  from xstilts_jax import run_config
  from xstilts_jax.robustness import adversarial, suite
  from xstilts_jax.robustness import workdir as workdir_lib

  cache = os.environ.get('XSTILTS_TEST_JAX_CACHE')
  if cache:
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.5)
  perturb = suite.perturbation_functions()

  for spec in args.meshes.split(':'):
    config = run_config.load(args.workdir)
    config.unlock()
    config.parallel.mesh_shape = tuple(int(s) for s in spec.split(','))
    wd = workdir_lib.Workdir(args.workdir, config)
    out = {'mesh': list(wd.mesh.devices.shape), 'tasks': {}}
    for name in args.tasks.split(','):
      task = wd.task(name)
      target = wd.target_model(task)
      scorer = wd.scorer(target)
      examples = []
      # A few examples per language in the fixtures; English first (the attack's language).
      for lang in ['en'] + [l for l in task.languages if l != 'en']:
        if len(examples) < args.examples:
          examples += wd.test_examples(task, lang) or []
      examples = examples[:args.examples]
      scores = scorer(examples)
      # The model's argmax per row (and token), from the scorer's own compiled calls: random
      # weights rarely get a whole sentence or span right, so the flags alone say little there.
      features = featurize_lib.featurize(task, examples, wd.tokenizer, target.max_seq_length,
                                         **scorer.options)
      outputs = predict.run(target.logprob_fn, target.params, features, scorer.batch_size,
                            scorer.sharding, per_token=scorer.per_token)
      argmax = {k: np.asarray(v).argmax(-1).tolist() for k, v in sorted(outputs.items())}
      results = adversarial.attack(
          examples[:args.attack_examples], task.format, 'en', scorer,
          split_words=perturb.split_words, word_candidates=perturb.word_candidates,
          kind='keyboard', max_edits=2, max_queries=40, n_candidates=2, seed=0)
      leaf = jax.tree.leaves(target.params)[0]
      out['tasks'][name] = {
          'examples': len(examples),
          'gold_logprob': scores.gold_logprob.tolist(),
          'correct': scores.correct.tolist(),
          'argmax': argmax,
          'edits': [[list(e) for e in r.edits] for r in results],
          'attack_logprob': [r.logprob for r in results],
          'attack_correct': [r.correct for r in results],
          'param_devices': len(leaf.sharding.device_set),
          'param_sharded': any(x.sharding.shard_shape(x.shape) != x.shape
                               for x in jax.tree.leaves(target.params))}
    print('RESULT ' + json.dumps(out), flush=True)


if __name__ == '__main__':
  main()

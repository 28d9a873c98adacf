"""The `xstilts` command: one name for every command-line program of the project.

  xstilts train --config configs/tiny.py --workdir /tmp/xstilts_tiny
  xstilts score --predictions DIR --labels DIR
  xstilts --help

Each command runs a module as `python -m MODULE` would (the same flags, the same exit codes),
so `xstilts train ...` and `python -m xstilts_jax.main ...` are one program. Modules are found
by name when the command runs (nothing is imported for `--help`). `xstilts --config ...`
(no command) is `xstilts train --config ...`, as before commands existed.
"""

import importlib.util
import runpy
import sys

EXIT_USAGE = 2

# command → (module run as __main__, one line for --help)
COMMANDS = {
    'train': ('xstilts_jax.main',
              'run an experiment: intermediate task(s), targets, zero-shot eval, table'),
    'score': ('xstilts_jax.eval.score', 'score an XTREME submission folder against the labels'),
    'download': ('xstilts_jax.data.download', 'download and verify task data'),
    'grid': ('xstilts_jax.grid', 'run or report a grid of experiments'),
    'robustness': ('xstilts_jax.robustness', 'perturbation robustness suite of a trained model'),
}


def usage() -> str:
  width = max(map(len, COMMANDS))
  lines = [f'  {name:<{width}}  {text}' for name, (_, text) in COMMANDS.items()]
  return ('usage: xstilts COMMAND [flags]   (xstilts COMMAND --help for its flags)\n\n'
          'commands:\n' + '\n'.join(lines))


def main(argv=None):
  argv = list(sys.argv[1:] if argv is None else argv)
  if not argv or argv[0] in ('-h', '--help', 'help'):
    print(usage())
    return 0 if argv else EXIT_USAGE
  command = argv[0]
  if command.startswith('--'):  # `xstilts --config ... --workdir ...`: train
    command, argv = 'train', ['train'] + argv
  if command not in COMMANDS:
    print(f'error: unknown command {command!r}; commands: {", ".join(COMMANDS)}',
          file=sys.stderr)
    return EXIT_USAGE
  module = COMMANDS[command][0]
  if importlib.util.find_spec(module) is None:
    print(f'error: xstilts {command}: module {module} is not installed', file=sys.stderr)
    return 1
  sys.argv = [f'xstilts {command}'] + argv[1:]
  runpy.run_module(module, run_name='__main__', alter_sys=True)
  return 0


def run():
  """Console entry point (setup.py `xstilts`)."""
  sys.exit(main())


if __name__ == '__main__':
  run()

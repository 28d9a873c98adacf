"""Command-line flags parsed with one-line errors instead of tracebacks.

ml_collections' config_flags raises during absl's flag parsing (an AttributeError with a
hint for a typo in `--config.x=y`), which absl shows as a long traceback. `parse` is an absl
`flags_parser` (`app.run(main, flags_parser=flag_errors.parse)`) that prints instead

  error: --config.eval.langauges: no field 'eval.langauges' in the config; did you mean 'eval.languages'?

and exits with status 2 (a usage error).
"""

import difflib
import importlib.util
import os
import sys

from absl import flags

EXIT_USAGE = 2


def dotted_keys(config, prefix='') -> list:
  """Every field of a ConfigDict as 'a.b.c' (nested dicts and their fields)."""
  keys = []
  for name, value in config.items():
    key = prefix + name
    keys.append(key)
    if hasattr(value, 'items') and not isinstance(value, (str, bytes)):
      keys += dotted_keys(value, key + '.')
  return keys


def _override_names(argv, flag_name) -> list:
  out = []
  for arg in argv[1:]:
    if arg == '--':
      break
    if arg.startswith(f'--{flag_name}.'):
      out.append(arg[2:].split('=', 1)[0])
  return out


def explain(argv, config, error, flag_name='config') -> str:
  """The one-line message for a failed parse of `argv`."""
  if config is not None:
    keys = dotted_keys(config)
    for name in _override_names(argv, flag_name):
      key = name[len(flag_name) + 1:]
      if key not in keys:
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ''
        return f"--{name}: no field '{key}' in the config{hint}"
  return ' '.join(str(error).replace('\\n', ' ').split())


def _config_arg(argv, flag_name):
  for i, arg in enumerate(argv[1:], 1):
    if arg == f'--{flag_name}' and i + 1 < len(argv):
      return argv[i + 1]
    if arg.startswith(f'--{flag_name}='):
      return arg.split('=', 1)[1]
  return None


def _load_config(argv, flag_name='config'):
  """The config file of argv without its overrides (None if it does not load)."""
  path = _config_arg(argv, flag_name)
  if not path:
    return None
  path, _, arg = path.partition(':')
  try:
    spec = importlib.util.spec_from_file_location('_xstilts_config_for_errors', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_config(arg) if arg else module.get_config()
  except Exception:  # explain() then falls back to the parser's own message
    return None


def parse(argv):
  """absl flags_parser: argv → remaining args, or one line on stderr and exit 2."""
  path = _config_arg(argv, 'config')
  if path and not os.path.isfile(path.partition(':')[0]):
    print(f'error: --config {path}: no such file', file=sys.stderr)
    sys.exit(EXIT_USAGE)
  try:
    args = flags.FLAGS(argv)
    if 'config' in flags.FLAGS:
      flags.FLAGS['config'].value  # config_flags loads the file lazily: fail here, not in main
  except Exception as e:  # config_flags raises AttributeError/ValueError/TypeError, absl flags.Error
    print(f'error: {explain(argv, _load_config(argv), e)} (--help lists the flags)',
          file=sys.stderr)
    sys.exit(EXIT_USAGE)
  return args

"""A fake `gcloud` for the launch tests: records its arguments and plays a scenario.

The test writes a `gcloud` wrapper that runs this file. Every call is appended to
$FAKE_GCLOUD_DIR/calls.jsonl. $FAKE_GCLOUD_DIR/scenario.json gives the answers, consumed in
order (the last one repeats):
  queued: states of `queued-resources describe` ('NOT_FOUND' exits 1, as gcloud does)
  node:   states of `tpu-vm describe`
  job:    what `worker_run.sh state` prints on worker 0 ('SSH_FAILS' exits 255, as ssh
          does; 'NO_SCRIPT' exits 127, as bash does on a fresh VM without the script)
  results_after_runs: results.json exists (`storage objects describe`, `ssh ... test -f`)
                      once this many `worker_run.sh start` calls were made
`tpu-vm scp` of a .tgz records the archive's member names in scp_members.json.
"""

import json
import os
import sys
import tarfile


def _next(state_dir, key, scenario):
  counts_path = os.path.join(state_dir, 'counts.json')
  counts = json.load(open(counts_path)) if os.path.exists(counts_path) else {}
  answers = scenario[key]
  i = counts.get(key, 0)
  counts[key] = i + 1
  json.dump(counts, open(counts_path, 'w'))
  return answers[min(i, len(answers) - 1)]


def _runs_started(state_dir):
  with open(os.path.join(state_dir, 'calls.jsonl')) as f:
    calls = [json.loads(line) for line in f]
  return sum(any('worker_run.sh start' in a for a in c) for c in calls)


def main(args):
  state_dir = os.environ['FAKE_GCLOUD_DIR']
  with open(os.path.join(state_dir, 'calls.jsonl'), 'a') as f:
    f.write(json.dumps(args) + '\n')
  with open(os.path.join(state_dir, 'scenario.json')) as f:
    scenario = json.load(f)
  command = next((a.split('=', 1)[1] for a in args if a.startswith('--command=')), '')
  results = lambda: _runs_started(state_dir) >= scenario.get('results_after_runs', 1)
  if args[:4] == ['compute', 'tpus', 'queued-resources', 'describe'] and any(
      a.startswith('--format') for a in args):
    state = _next(state_dir, 'queued', scenario)
    if state == 'NOT_FOUND':
      print('ERROR: (gcloud.compute.tpus.queued-resources.describe) NOT_FOUND', file=sys.stderr)
      return 1
    print(state)
  elif args[:4] == ['compute', 'tpus', 'tpu-vm', 'describe']:
    print(_next(state_dir, 'node', scenario))
  elif args[:4] == ['compute', 'tpus', 'tpu-vm', 'ssh'] and 'worker_run.sh state' in command:
    job = _next(state_dir, 'job', scenario)
    if job in ('SSH_FAILS', 'NO_SCRIPT'):
      return {'SSH_FAILS': 255, 'NO_SCRIPT': 127}[job]
    print(job)
  elif args[:4] == ['compute', 'tpus', 'tpu-vm', 'ssh'] and command.startswith('test -f'):
    return 0 if results() else 1
  elif args[:3] == ['storage', 'objects', 'describe']:
    return 0 if results() else 1
  elif args[:4] == ['compute', 'tpus', 'tpu-vm', 'scp'] and args[4].endswith('.tgz'):
    with tarfile.open(args[4]) as tar:
      json.dump(tar.getnames(), open(os.path.join(state_dir, 'scp_members.json'), 'w'))
  return 0


if __name__ == '__main__':
  sys.exit(main(sys.argv[1:]))

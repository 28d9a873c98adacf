"""One process of a 2-process jax.distributed job (loopback) taking the job's workdir lock.

  python job_lock_process.py COORDINATOR PROCESS_ID WORKDIR...

For each workdir, prints one RESULT line: {'pid', 'holder' (the PID in the lock file while the
lock is held)} or {'pid', 'busy' (WorkdirBusy's message)}.
"""

import json
import os
import sys

from xstilts_jax.parallel import global_batch


def main():
  coordinator, process_id, workdirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
  global_batch.maybe_initialize_distributed(coordinator, 2, process_id,
                                            initialization_timeout=60)
  from jax.experimental import multihost_utils  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train import workdir_lock  # pylint: disable=g-import-not-at-top
  for workdir in workdirs:
    result = {'pid': os.getpid()}
    try:
      with workdir_lock.job_lock(workdir):
        with open(os.path.join(workdir, workdir_lock.LOCK_NAME)) as f:
          result['holder'] = json.load(f)['pid']
        multihost_utils.sync_global_devices('lock read')  # released after both have read it
    except workdir_lock.WorkdirBusy as e:
      result['busy'] = str(e)
    print('RESULT ' + json.dumps(result), flush=True)


if __name__ == '__main__':
  main()

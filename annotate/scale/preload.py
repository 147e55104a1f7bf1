"""Imported by the fork server (annotate.scale.forkserver) before it forks any worker: loads
the pipeline, for the rules switched off that the command put in $ANNOTATE_PRELOAD_DISABLED."""
import json
import os

from annotate.scale.forkserver import DISABLED_ENV
from annotate.scale.worker import preload_model

preload_model(tuple(json.loads(os.environ.get(DISABLED_ENV) or "[]")))

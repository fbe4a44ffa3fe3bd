"""``python -m sim``: check every job the command line asks for, then hand it to Hydra."""

import sys

import yaml
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.domain.errors import ConfigError
from sim.experiment.app import main
from sim.experiment.preflight import check
from sim.experiment.watchdog import mark_command


def _message(err: BaseException) -> str:
    parts = []
    while err is not None:
        parts.append(str(err).strip())
        err = err.__cause__
    return "\n".join(dict.fromkeys(p for p in parts if p))


try:
    check(sys.argv[1:])
except (ConfigError, HydraException, OmegaConfBaseException, yaml.YAMLError) as err:
    print(f"config error: {_message(err)}", file=sys.stderr)
    sys.exit(2)
mark_command()  # its workers stop when this process is gone
main()

"""``python -m sim``: check every job the command line asks for, then hand it to Hydra (a single
run as the check composed it)."""

import sys

import yaml
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.domain.errors import ConfigError
from sim.experiment.app import main, run_composed
from sim.experiment.config import message_of
from sim.experiment.preflight import check
from sim.experiment.watchdog import mark_command

try:
    checked = check(sys.argv[1:])
except (ConfigError, HydraException, OmegaConfBaseException, yaml.YAMLError) as err:
    print(f"config error: {message_of(err)}", file=sys.stderr)
    sys.exit(2)
mark_command()  # its workers stop when this process is gone
if checked.run is not None:
    run_composed(checked.run)  # a single run, composed once
else:
    main()  # a sweep, or something Hydra only prints

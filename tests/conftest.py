import pytest
from hydra import compose as hydra_compose
from hydra import initialize_config_dir

from sim.experiment.config import CONFIGS, load, register


@pytest.fixture(scope="session")
def compose():
    """Compose configs/config.yaml with overrides into validated plain objects."""
    register()

    def _compose(overrides):
        with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
            return load(hydra_compose("config", overrides=list(overrides)))

    return _compose

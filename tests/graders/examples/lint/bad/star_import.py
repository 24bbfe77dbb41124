# Star import hides where names come from (F403/F405).
from os.path import *


def config_path(base: str) -> str:
    return join(base, "config.toml")

# Reads an API token from HashiCorp Vault using a token injected by the platform.
import os

import hvac


def github_token() -> str:
    client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
    secret = client.secrets.kv.v2.read_secret_version(path="ci/github")
    return secret["data"]["data"]["token"]

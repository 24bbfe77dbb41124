"""Code that runs *inside* the sandbox, under the runtime venv's python (stdlib only).

These files are bind-mounted read-only into the sandbox and executed by path; the
harness never imports them (they must not depend on the harness's packages).
"""

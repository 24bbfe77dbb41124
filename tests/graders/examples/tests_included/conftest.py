# Not an example: keeps pytest from collecting the example candidates' own tests
# (and from loading their conftest.py files) during the harness's test run.
collect_ignore_glob = ["good/*", "bad/*"]

# good: a package with tests importing from it

"""`make bench` / `python -m bench`: run every bench script (bench/<name>.py with a main())."""
import importlib
import pkgutil

import bench

for module in pkgutil.iter_modules(bench.__path__):
    if not module.name.startswith("_"):
        importlib.import_module(f"bench.{module.name}").main()

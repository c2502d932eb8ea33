"""What a user reads must match what the code does: every setting documented, every route described."""

import re
from pathlib import Path

from core.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _all_fields() -> dict:
    """Core's settings and every installed module's, which must never share a name."""
    from bootstrap.modules import installed_modules

    classes = [Settings, *(m.settings for m in installed_modules() if m.settings is not None)]
    merged: dict = {}
    for cls in classes:
        clash = merged.keys() & cls.model_fields.keys()
        assert not clash, f"{cls.__name__} reuses setting names: {clash}"
        merged.update(cls.model_fields)
    return merged


def test_env_example_lists_every_setting_and_nothing_else():
    documented = {m.group(1).lower() for m in re.finditer(r"^UT_(\w+)=", (ROOT / "env.example").read_text(), re.M)}
    assert documented == set(_all_fields())


def test_every_module_setting_keeps_its_ut_name():
    from bootstrap.modules import installed_modules

    for module in installed_modules():
        if module.settings is not None:
            assert module.settings.model_config["env_prefix"] == "UT_", module.name


def test_env_example_defaults_are_the_real_defaults():
    text = (ROOT / "env.example").read_text()
    for name, field in _all_fields().items():
        value = re.search(rf"^UT_{name.upper()}=(.*)$", text, re.M).group(1)
        default = field.default
        if isinstance(default, bool):
            assert value == str(default).lower(), name
        elif isinstance(default, list | tuple | set | frozenset):
            assert value == ",".join(str(v) for v in default), name
        elif isinstance(default, float):
            assert float(value) == default, name
        elif default is not None:
            assert value == str(default), name


def test_every_route_has_a_summary_and_the_readme_names_it(tmp_path):
    from bootstrap.app import create_app

    app = create_app(Settings(data_dir=tmp_path, worker_enabled=False))
    readme = (ROOT / "README.md").read_text()
    spec = app.openapi()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
        stem = re.sub(r"\{[^}]+\}", "", path).rstrip("/")
        # a parameter inside the path (/sites/{site_id}/...) must be written as in the route
        assert path in readme or stem.split("?")[0] in readme, f"{path} is not documented in README.md"

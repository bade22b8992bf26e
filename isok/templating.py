"""Small Jinja helpers shared by every template."""


def dict_without(mapping: dict, *keys: str) -> dict:
    return {k: v for k, v in mapping.items() if k not in keys}


def init_app(app) -> None:
    app.jinja_env.filters["dict_without"] = dict_without
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

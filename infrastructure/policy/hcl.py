"""The Terraform roots as data: every .tf file of a root parsed with python-hcl2 and
merged, so tests can read `resource("aws_lb", "api")["internal"]`. Works where Terraform
is not installed, and on the Cloudflare root whose provider cannot be installed here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import hcl2

INFRASTRUCTURE = Path(__file__).resolve().parent.parent
REPOSITORY = INFRASTRUCTURE.parent


def _normalise(value):
    """hcl2 wraps every attribute in a one-element list and every block in a list of
    dicts; attributes become plain values, blocks stay lists of dicts."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [_normalise_body(v) for v in value]
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _normalise_body(body: dict) -> dict:
    return {k: _normalise(v) for k, v in body.items() if not k.startswith("__")}


class Root:
    def __init__(self, name: str):
        self.path = INFRASTRUCTURE / name
        self.files = sorted(self.path.glob("*.tf"))
        assert self.files, f"no .tf files in {self.path}"
        self.resources: dict[tuple[str, str], dict] = {}
        self.data: dict[tuple[str, str], dict] = {}
        self.variables: dict[str, dict] = {}
        self.locals: dict = {}
        self.outputs: dict[str, dict] = {}
        self.modules: dict[str, dict] = {}
        self.terraform: list[dict] = []
        self.providers: list[dict] = []
        for file in self.files:
            with file.open() as handle:
                parsed = hcl2.load(handle)
            for block in parsed.get("resource", []):
                for kind, named in block.items():
                    for name, body in named.items():
                        self.resources[(kind, name)] = _normalise_body(body)
            for block in parsed.get("data", []):
                for kind, named in block.items():
                    for name, body in named.items():
                        self.data[(kind, name)] = _normalise_body(body)
            for block in parsed.get("variable", []):
                for name, body in block.items():
                    self.variables[name] = _normalise_body(body)
            for block in parsed.get("locals", []):
                self.locals.update(_normalise_body(block))
            for block in parsed.get("output", []):
                for name, body in block.items():
                    self.outputs[name] = _normalise_body(body)
            for block in parsed.get("module", []):
                for name, body in block.items():
                    self.modules[name] = _normalise_body(body)
            self.terraform += [_normalise_body(b) for b in parsed.get("terraform", [])]
            self.providers += parsed.get("provider", [])

    def resource(self, kind: str, name: str) -> dict:
        assert (kind, name) in self.resources, f"{kind}.{name} is missing from {self.path.name}"
        return self.resources[(kind, name)]

    def of_kind(self, kind: str) -> dict[str, dict]:
        return {name: body for (k, name), body in self.resources.items() if k == kind}

    def default(self, variable: str):
        assert variable in self.variables, f"variable {variable} is missing"
        return self.variables[variable].get("default")

    def source(self) -> str:
        return "\n".join(f.read_text() for f in self.files)

    def resolve(self, text: str) -> str:
        """Substitutes `${var.x}` (defaults) and `${local.x}` (string locals) in `text`."""

        def substitute(match: re.Match) -> str:
            kind, name = match.group(1), match.group(2)
            value = self.default(name) if kind == "var" else self.locals.get(name)
            assert isinstance(value, (str, int)), f"{kind}.{name} does not resolve to a scalar"
            return self.resolve(str(value))

        return re.sub(r"\$\{(var|local)\.([a-z0-9_]+)\}", substitute, text)


@cache
def root(name: str) -> Root:
    return Root(name)

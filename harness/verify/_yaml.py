"""A safe YAML loader for cassettes written by vcrpy (Python) and VCR (Ruby).

It is PyYAML's ``CSafeLoader`` when libyaml is available (``SafeLoader`` otherwise) taught a few more
tags, never the unsafe loader: ``!!binary`` (built in), Ruby's ``!binary`` (base64), ``!ruby/...``
objects (read as the plain mapping, sequence or string they wrap) and the ``!!python/unicode`` and
``!!python/str`` of cassettes written under Python 2. Timestamps stay strings.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import yaml

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CassetteLoader(_Base):  # type: ignore[valid-type,misc]
    """``CSafeLoader`` plus the tags that recorders of HTTP traffic write."""


def _ruby_binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return base64.b64decode("".join(str(text).split()), validate=True)
    except binascii.Error as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"!binary value is not base64: {error}", node.start_mark
        ) from error


def _ruby_object(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _plain_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


CassetteLoader.add_constructor("!binary", _ruby_binary)
CassetteLoader.add_multi_constructor("!ruby/", _ruby_object)
CassetteLoader.add_constructor("tag:yaml.org,2002:python/unicode", _plain_string)
CassetteLoader.add_constructor("tag:yaml.org,2002:python/str", _plain_string)
CassetteLoader.add_constructor("tag:yaml.org,2002:timestamp", _plain_string)


def load_yaml(text: str | bytes) -> Any:
    """Parse one YAML document with :class:`CassetteLoader`.

    Raises:
        yaml.YAMLError: The text is not YAML, or uses a tag the loader does not know.
    """
    return yaml.load(text, Loader=CassetteLoader)  # CassetteLoader derives from SafeLoader

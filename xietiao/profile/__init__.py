"""The district profile (区情配置): one YAML file per instance, checked like the forms, installed once per process.

Lives here: `schema` (the sections as frozen dataclasses, the units), `reader` (reads a section from
its dataclass; every problem with file, key, rule and fix), `active` (the installed profile and the
demo district's), `changes` (unit details changed in the web, kept in the store), `usage` (unit names
records use that the profile does not know).
May import: the standard library, PyYAML, and `xietiao.store`, `xietiao.jsonvalue`, `xietiao.config`,
`xietiao.yamlfile`; nothing else of the domain (the rest of the domain reads the profile).
"""

from xietiao.profile.active import current, demo_profile, install, load_profile, using
from xietiao.profile.reader import ProfileError
from xietiao.profile.schema import Profile, Unit, UnitKind

__all__ = ["Profile", "ProfileError", "Unit", "UnitKind", "current", "demo_profile", "install", "load_profile", "using"]

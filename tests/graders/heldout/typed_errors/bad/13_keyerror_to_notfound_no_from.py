# BAD: KeyError translated to a custom NotFound inside `except` without `from`.
from dataclasses import dataclass, field


class RegistryError(Exception):
    pass


class PluginNotFound(RegistryError):
    pass


@dataclass
class PluginRegistry:
    plugins: dict[str, type] = field(default_factory=dict)

    def register(self, name: str, cls: type) -> None:
        if name in self.plugins:
            raise RegistryError(f"plugin {name!r} registered twice")
        self.plugins[name] = cls

    def get(self, name: str) -> type:
        try:
            return self.plugins[name]
        except KeyError:
            raise PluginNotFound(f"no plugin named {name!r}; known: {sorted(self.plugins)}")

    def create(self, name: str, **options: object) -> object:
        return self.get(name)(**options)


registry = PluginRegistry()

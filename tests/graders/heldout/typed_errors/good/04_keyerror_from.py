# GOOD: KeyError translated to a domain error with `from exc`, keeping the cause chain.
from dataclasses import dataclass, field


class RegistryError(Exception):
    pass


class PluginNotFound(RegistryError, LookupError):
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
        except KeyError as exc:
            raise PluginNotFound(f"no plugin named {name!r}; known: {sorted(self.plugins)}") from exc

    def create(self, name: str, **options: object) -> object:
        return self.get(name)(**options)


registry = PluginRegistry()

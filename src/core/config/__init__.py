from core.config.settings import Settings

__all__ = ["Settings"]

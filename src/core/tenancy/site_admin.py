"""Sites as the admin API and `utrack sites` see them: tenancy's own fields (domain, allowed origins,
time zone, DNT policy) plus the per-site settings installed modules own (core.modules.SiteSetting,
e.g. ecommerce's `reporting_currency`), checked together before anything is written, so a bad value
of either creates or changes nothing.
"""

from collections.abc import Mapping, Sequence

from core.tenancy.service import CreatedSite, SiteInfo, TenancyError, TenancyService


class SiteAdmin:
    def __init__(self, *, tenancy: TenancyService, settings: Sequence = ()) -> None:
        self._tenancy = tenancy
        self._settings = {s.name: s for s in settings}  # core.modules.SiteSetting (not imported: no DI here)

    @property
    def setting_names(self) -> list[str]:
        return sorted(self._settings)

    def create(self, *, org_id: str, domain: str, timezone: str = "UTC", allowed_origins: list[str] | None = None,
               dnt_policy: str = "count_anonymously", extra: Mapping[str, str | None] | None = None,
               ) -> tuple[CreatedSite, dict[str, str | None]]:
        checked = self._checked(extra or {})
        created = self._tenancy.create_site(org_id=org_id, domain=domain, timezone=timezone,
                                            allowed_origins=allowed_origins, dnt_policy=dnt_policy)
        self._write(created.site_id, checked)
        return created, self.extras(created.site_id)

    def update(self, site_id: str, *, fields: Mapping[str, object], extra: Mapping[str, str | None]) -> SiteInfo | None:
        """`fields`: tenancy's (domain, timezone, allowed_origins, dnt_policy), only those to change."""
        checked = self._checked(extra)
        if self._tenancy.site(site_id) is None:
            return None
        site = self._tenancy.update_site(site_id, **fields)
        self._write(site_id, checked)
        return site

    def extras(self, site_id: str) -> dict[str, str | None]:
        return {name: setting.read(site_id) for name, setting in self._settings.items()}

    def _checked(self, extra: Mapping[str, str | None]) -> dict[str, str | None]:
        out = {}
        for name, value in extra.items():
            setting = self._settings.get(name)
            if setting is None:
                raise TenancyError(f"{name}: no installed module keeps this setting")
            try:
                out[name] = setting.check(value)
            except ValueError as exc:
                raise TenancyError(f"{name}: {exc}") from None
        return out

    def _write(self, site_id: str, checked: Mapping[str, str | None]) -> None:
        for name, value in checked.items():
            self._settings[name].write(site_id, value)

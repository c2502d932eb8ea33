"""Time zones of the regions of the largest multi-zone countries, by the English region names DB-IP
Lite uses. Regions split between zones get the zone of most of their people."""

_PACIFIC, _MOUNTAIN, _CENTRAL, _EASTERN = "America/Los_Angeles", "America/Denver", "America/Chicago", \
    "America/New_York"
_US = {
    **dict.fromkeys(("California", "Nevada", "Oregon", "Washington"), _PACIFIC),
    **dict.fromkeys(("Colorado", "Idaho", "Montana", "New Mexico", "Utah", "Wyoming"), _MOUNTAIN),
    "Arizona": "America/Phoenix", "Alaska": "America/Anchorage", "Hawaii": "Pacific/Honolulu",
    **dict.fromkeys(("Alabama", "Arkansas", "Illinois", "Iowa", "Kansas", "Louisiana", "Minnesota",
                     "Mississippi", "Missouri", "Nebraska", "North Dakota", "Oklahoma", "South Dakota",
                     "Tennessee", "Texas", "Wisconsin"), _CENTRAL),
    **dict.fromkeys(("Connecticut", "Delaware", "District of Columbia", "Florida", "Georgia", "Indiana",
                     "Kentucky", "Maine", "Maryland", "Massachusetts", "Michigan", "New Hampshire",
                     "New Jersey", "New York", "North Carolina", "Ohio", "Pennsylvania", "Rhode Island",
                     "South Carolina", "Vermont", "Virginia", "West Virginia"), _EASTERN),
}
_CA = {
    "British Columbia": "America/Vancouver", "Alberta": "America/Edmonton", "Saskatchewan": "America/Regina",
    "Manitoba": "America/Winnipeg", "Ontario": "America/Toronto", "Quebec": "America/Toronto",
    "New Brunswick": "America/Moncton", "Nova Scotia": "America/Halifax",
    "Prince Edward Island": "America/Halifax", "Newfoundland and Labrador": "America/St_Johns",
    "Yukon": "America/Whitehorse", "Northwest Territories": "America/Yellowknife", "Nunavut": "America/Iqaluit",
}
_AU = {
    "New South Wales": "Australia/Sydney", "Australian Capital Territory": "Australia/Sydney",
    "Victoria": "Australia/Melbourne", "Queensland": "Australia/Brisbane", "South Australia": "Australia/Adelaide",
    "Western Australia": "Australia/Perth", "Tasmania": "Australia/Hobart", "Northern Territory": "Australia/Darwin",
}
_MX = {"Baja California": "America/Tijuana", "Sonora": "America/Hermosillo", "Quintana Roo": "America/Cancun",
       "Chihuahua": "America/Chihuahua", "Sinaloa": "America/Mazatlan", "Baja California Sur": "America/Mazatlan"}
_BR = {"São Paulo": "America/Sao_Paulo", "Rio de Janeiro": "America/Sao_Paulo", "Amazonas": "America/Manaus",
       "Mato Grosso": "America/Cuiaba", "Mato Grosso do Sul": "America/Campo_Grande", "Acre": "America/Rio_Branco"}

REGION_ZONES: dict[str, dict[str, str]] = {"US": _US, "CA": _CA, "AU": _AU, "MX": _MX, "BR": _BR}

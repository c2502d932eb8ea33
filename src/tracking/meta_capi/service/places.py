"""Names Meta wants as codes: US states (full name -> 2 letters), countries (name -> ISO alpha-2).

Keys are already normalised like `normalize.name` (lower-case, no spaces or punctuation), so
"New York", "new-york" and "NEW YORK" all find "ny". The country table covers common English and
native names and alpha-3 codes; an unknown name is left out rather than guessed.
"""

US_STATES = {
    "alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca", "colorado": "co",
    "connecticut": "ct", "delaware": "de", "districtofcolumbia": "dc", "florida": "fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia", "kansas": "ks", "kentucky": "ky",
    "louisiana": "la", "maine": "me", "maryland": "md", "massachusetts": "ma", "michigan": "mi", "minnesota": "mn",
    "mississippi": "ms", "missouri": "mo", "montana": "mt", "nebraska": "ne", "nevada": "nv", "newhampshire": "nh",
    "newjersey": "nj", "newmexico": "nm", "newyork": "ny", "northcarolina": "nc", "northdakota": "nd", "ohio": "oh",
    "oklahoma": "ok", "oregon": "or", "pennsylvania": "pa", "rhodeisland": "ri", "southcarolina": "sc",
    "southdakota": "sd", "tennessee": "tn", "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va",
    "washington": "wa", "westvirginia": "wv", "wisconsin": "wi", "wyoming": "wy", "puertorico": "pr", "guam": "gu",
    "americansamoa": "as", "virginislands": "vi", "northernmarianaislands": "mp",
}

COUNTRY_NAMES = {
    "unitedstates": "us", "unitedstatesofamerica": "us", "usa": "us", "america": "us", "unitedkingdom": "gb",
    "greatbritain": "gb", "uk": "gb", "england": "gb", "scotland": "gb", "wales": "gb", "germany": "de",
    "deutschland": "de", "deu": "de", "france": "fr", "fra": "fr", "spain": "es", "españa": "es", "espana": "es",
    "italy": "it", "italia": "it", "netherlands": "nl", "thenetherlands": "nl", "holland": "nl", "nederland": "nl",
    "belgium": "be", "austria": "at", "österreich": "at", "oesterreich": "at", "switzerland": "ch", "schweiz": "ch",
    "suisse": "ch", "poland": "pl", "polska": "pl", "portugal": "pt", "ireland": "ie", "sweden": "se",
    "sverige": "se", "norway": "no", "norge": "no", "denmark": "dk", "danmark": "dk", "finland": "fi", "suomi": "fi",
    "czechia": "cz", "czechrepublic": "cz", "greece": "gr", "hungary": "hu", "romania": "ro", "luxembourg": "lu",
    "canada": "ca", "can": "ca", "mexico": "mx", "méxico": "mx", "brazil": "br", "brasil": "br", "argentina": "ar",
    "chile": "cl", "colombia": "co", "australia": "au", "aus": "au", "newzealand": "nz", "japan": "jp",
    "china": "cn", "india": "in", "southkorea": "kr", "korea": "kr", "singapore": "sg", "turkey": "tr",
    "türkiye": "tr", "turkiye": "tr", "israel": "il", "southafrica": "za", "unitedarabemirates": "ae", "uae": "ae",
    "russia": "ru", "russianfederation": "ru", "ukraine": "ua", "gbr": "gb", "esp": "es", "ita": "it", "nld": "nl",
    "aut": "at", "che": "ch", "pol": "pl", "bel": "be", "swe": "se", "jpn": "jp", "bra": "br", "mex": "mx",
}

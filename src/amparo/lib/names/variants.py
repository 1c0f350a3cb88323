"""Word lists for names of the region: particles, nicknames, abbreviations, transliterations.

Every entry maps a normalised word (lower case, no accents) to the word it stands for.
"""

# Words that join a surname to its particle ("de la Cruz") or a married name to a woman's own
# surname ("Pérez de Gómez"); they carry no identity of their own.
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "e", "i", "da", "das", "do", "dos", "di", "du", "le",
     "van", "von", "vda", "viuda"}
)  # fmt: skip

# Prefixes that are part of the surname itself: "San Martín", "Santa Cruz", "Mac", "Saint".
JOINED_PREFIXES = frozenset({"san", "santa", "santo", "st", "saint", "sainte", "mac", "mc"})

# Nicknames and abbreviations of the region, to the formal name(s) they stand for.
NICKNAMES = {
    "ma": "maria", "mari": "maria", "maru": "maria", "mary": "maria",
    "jo": "jose", "jse": "jose", "fco": "francisco", "fdo": "fernando", "gpe": "guadalupe",
    "pepe": "jose", "chepe": "jose", "pepito": "jose", "chema": "jose maria",
    "paco": "francisco", "pancho": "francisco", "curro": "francisco", "kiko": "francisco",
    "lupe": "guadalupe", "lupita": "guadalupe", "chuy": "jesus", "chucho": "jesus",
    "nacho": "ignacio", "memo": "guillermo", "tono": "antonio", "toni": "antonio",
    "lalo": "eduardo", "beto": "alberto", "kike": "enrique", "quique": "enrique",
    "charo": "rosario", "chayo": "rosario", "chelo": "consuelo", "concha": "concepcion",
    "conchita": "concepcion", "lola": "dolores", "nena": "elena", "rafa": "rafael",
    "fito": "adolfo", "manolo": "manuel", "manu": "manuel", "meche": "mercedes",
    "pili": "pilar", "chabela": "isabel", "chava": "salvador", "chalo": "gonzalo",
    "goyo": "gregorio", "nando": "fernando", "tere": "teresa", "vero": "veronica",
    "pati": "patricia", "paty": "patricia", "ale": "alejandra", "alex": "alejandro",
    "juancho": "juan", "moncho": "ramon", "checo": "sergio", "poncho": "alfonso",
    "jeanjean": "jean", "ti": "petit",
}  # fmt: skip

# One spelling for names that come transliterated in more than one way (Arabic, Vietnamese,
# Bengali, Nepali, Tigrinya and other names of extra-continental migrants in the region).
TRANSLITERATIONS = {
    "mohammed": "muhammad", "mohamed": "muhammad", "mohammad": "muhammad",
    "mohamad": "muhammad", "muhammed": "muhammad", "mohamud": "muhammad", "mamadou": "muhammad",
    "ahmed": "ahmad", "ahmet": "ahmad", "hussein": "husayn", "husein": "husayn",
    "hossain": "husayn", "hosain": "husayn", "youssef": "yusuf", "yousef": "yusuf",
    "yousuf": "yusuf", "youssouf": "yusuf", "abdel": "abdul", "abdoul": "abdul",
    "abdulla": "abdullah", "abdallah": "abdullah", "ibrahima": "ibrahim", "ebrahim": "ibrahim",
    "mustafa": "mustafa", "moustapha": "mustafa", "mostafa": "mustafa", "omar": "umar",
    "oumar": "umar", "ousmane": "usman", "osman": "usman", "othman": "usman",
    "aly": "ali", "fatoumata": "fatima", "fatma": "fatima", "fatimah": "fatima",
    "aisha": "aisha", "aicha": "aisha", "ayesha": "aisha", "aissatou": "aisha",
    "nguyen": "nguyen", "nguyễn": "nguyen", "ngyuen": "nguyen", "nguen": "nguyen",
    "tran": "tran", "pham": "pham",
    "rahman": "rahman", "rehman": "rahman", "rahmane": "rahman",
    "kumar": "kumar", "singh": "singh", "sing": "singh",
    "tesfaye": "tesfay", "tesfay": "tesfay", "gebre": "gebre", "ghebre": "gebre",
    "tekle": "tekle", "teklay": "tekle",
}  # fmt: skip

"""English inflection for suggested words: a preferred term put in the tense or number of the word it replaces.

A house substitution's safe fix must not write "begined" for "commenced", so irregular verbs and plurals come
from a table, and regular forms follow the spelling rules (doubling a short word's last consonant, y to ies).
"""

from __future__ import annotations

# base past participle (the common irregular verbs; a verb missing here is inflected by the regular rules)
_IRREGULAR_VERBS = """
arise arose arisen; awake awoke awoken; be was been; bear bore borne; beat beat beaten; become became become;
begin began begun; bend bent bent; bet bet bet; bid bid bid; bind bound bound; bite bit bitten; bleed bled bled;
blow blew blown; break broke broken; breed bred bred; bring brought brought; build built built; burn burnt burnt;
burst burst burst; buy bought bought; cast cast cast; catch caught caught; choose chose chosen; cling clung clung;
come came come; cost cost cost; creep crept crept; cut cut cut; deal dealt dealt; dig dug dug; do did done;
draw drew drawn; drink drank drunk; drive drove driven; eat ate eaten; fall fell fallen; feed fed fed;
feel felt felt; fight fought fought; find found found; flee fled fled; fling flung flung; fly flew flown;
forbid forbade forbidden; forecast forecast forecast; forget forgot forgotten; forgive forgave forgiven;
freeze froze frozen; get got got; give gave given; go went gone; grind ground ground; grow grew grown;
hang hung hung; have had had; hear heard heard; hide hid hidden; hit hit hit; hold held held; hurt hurt hurt;
keep kept kept; kneel knelt knelt; know knew known; lay laid laid; lead led led; lean leant leant;
leave left left; lend lent lent; let let let; lie lay lain; light lit lit; lose lost lost; make made made;
mean meant meant; meet met met; mislead misled misled; overcome overcame overcome; overtake overtook overtaken;
pay paid paid; prove proved proven; put put put; quit quit quit; read read read; ride rode ridden; ring rang rung;
rise rose risen; run ran run; say said said; see saw seen; seek sought sought; sell sold sold; send sent sent;
set set set; shake shook shaken; shed shed shed; shine shone shone; shoot shot shot; show showed shown;
shrink shrank shrunk; shut shut shut; sing sang sung; sink sank sunk; sit sat sat; sleep slept slept;
slide slid slid; speak spoke spoken; speed sped sped; spend spent spent; spin spun spun; split split split;
spread spread spread; spring sprang sprung; stand stood stood; steal stole stolen; stick stuck stuck;
sting stung stung; strike struck struck; strive strove striven; swear swore sworn; sweep swept swept;
swim swam swum; swing swung swung; take took taken; teach taught taught; tear tore torn; tell told told;
think thought thought; throw threw thrown; undergo underwent undergone; understand understood understood;
undertake undertook undertaken; upset upset upset; wake woke woken; wear wore worn; weave wove woven;
weep wept wept; win won won; wind wound wound; withdraw withdrew withdrawn; withhold withheld withheld;
withstand withstood withstood; write wrote written
"""
# Verbs whose last consonant doubles although they have more than one syllable (the stress falls on the end).
_DOUBLING = frozenset("""
admit begin commit compel control occur omit patrol permit prefer propel rebel recur refer regret submit
transfer transmit equip
""".split())
_IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet", "tooth": "teeth",
    "mouse": "mice", "goose": "geese", "ox": "oxen", "sheep": "sheep", "deer": "deer", "fish": "fish",
    "series": "series", "species": "species", "aircraft": "aircraft", "crisis": "crises", "analysis": "analyses",
    "thesis": "theses", "criterion": "criteria", "phenomenon": "phenomena", "life": "lives", "wife": "wives",
    "knife": "knives", "leaf": "leaves", "half": "halves", "shelf": "shelves", "staff": "staff", "police": "police",
}
VERBS: dict[str, tuple[str, str]] = {}
for _entry in _IRREGULAR_VERBS.split(";"):
    _base, _past, _participle = _entry.split()
    VERBS[_base] = (_past, _participle)

VOWELS = "aeiou"


def _doubles(word: str) -> bool:
    """A final consonant doubles before -ed/-ing: one-syllable consonant-vowel-consonant words ("stop",
    "plan"), and the listed ones stressed on the end ("commit")."""
    if word in _DOUBLING:
        return True
    if len(word) < 3 or word[-1] in VOWELS + "wxy" or word[-2] not in VOWELS or word[-3] in VOWELS:
        return False
    syllables = sum(1 for i, c in enumerate(word) if c in VOWELS and (i == 0 or word[i - 1] not in VOWELS))
    return syllables == 1


def plural(noun: str) -> str:
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def third_person(verb: str) -> str:
    if verb in ("be", "have", "do", "go"):
        return {"be": "is", "have": "has", "do": "does", "go": "goes"}[verb]
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in VOWELS:
        return verb[:-1] + "ies"
    return verb + "s"


def past(verb: str, participle: bool = False) -> str:
    if verb in VERBS:
        return VERBS[verb][1 if participle else 0]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in VOWELS:
        return verb[:-1] + "ied"
    if _doubles(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def present_participle(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and verb != "be":
        return verb[:-1] + "ing"
    if _doubles(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def inflect(word: str, tag: str) -> str:
    """`word` (a base form) in the inflection of Penn tag `tag`: NNS/NNPS plural, VBZ third person, VBD past,
    VBN participle, VBG -ing; any other tag leaves it as it is."""
    if tag in ("NNS", "NNPS"):
        return plural(word)
    if tag == "VBZ":
        return third_person(word)
    if tag in ("VBD", "VBN"):
        return past(word, participle=tag == "VBN")
    if tag == "VBG":
        return present_participle(word)
    return word

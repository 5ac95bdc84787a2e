"""The craft rules of tests/unit/test_content_craft.py, in German and in Spanish.

English's rules are word lists (what presupposes a marriage, what is explicit, which words
hand the floor over, which motifs come back too often); each other language needs its own
lists, written for how that language says those things, not a translation of the English
regexes. The lengths (20 words a question, 22 a sentence, 35 before the floor) and the
near-duplicate threshold are the same in every language: German's compounds make its word
counts a little shorter, Spanish's articles a little longer, and both were read aloud.

Each pattern has a self-test in test_content_craft_languages.py showing that it fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class CraftRules:
    """One language's lists for the craft checks."""

    stopwords: frozenset[str]
    #: A sentence that hands the floor over without a question mark.
    handover: re.Pattern[str]
    #: What takes for granted what many couples don't have, by name.
    presupposing: dict[str, re.Pattern[str]]
    #: Closeness is tender, never explicit.
    explicit: re.Pattern[str]
    #: The partner called "the other" instead of being spoken to.
    the_other: re.Pattern[str]
    #: A word for the partner that names one gender only.
    one_gender: re.Pattern[str]
    #: A claim to treat or heal (only help may say it is *not* counselling).
    therapy: re.Pattern[str]
    #: Motifs that stop being heard when they come back every week.
    motifs: dict[str, re.Pattern[str]]


_I = re.I

GERMAN = CraftRules(
    stopwords=_words(
        "der die das den dem des ein eine einen einem einer eines und oder aber wenn dass von "
        "zu zum zur in im an am auf für mit über aus bei als ist sind war waren sein bist es "
        "dies diese dieser dieses was welche welcher welches wer wann wo wie warum würde "
        "würdest könnte könntest sollte wird kann kannst ich mich mir mein meine du dich dir "
        "dein deine deinen deinem deiner wir uns unser unsere ihr euch euer eure sie er ihm "
        "ihn man nur so da hier noch auch schon mal einmal etwas hast hat habt haben"
    ),
    handover=re.compile(
        r"\b(erzähl\w*|sag\w*|frag\w*|beschreib\w*|nenn\w*|vervollständig\w*|antwort\w*|"
        r"los|du bist dran|ihr seid dran|nimm|nehmt|hör\w*|beginn\w*|fang\w*|dank\w*|red\w*|"
        r"lass\w*|such\w*|wähl\w*|denk\w*|schau\w*|setz\w*|erinner\w*|stell dir vor|"
        r"stellt euch vor|teil\w*|ton|läute\w*)\b",
        _I,
    ),
    presupposing={
        "a breach or a hurt": re.compile(
            r"\baffäre\b|\bbetrogen\b|\bfremdgegangen\b|\beure trennung\b|"
            r"\beuer (schlimmster|größter|letzter) streit\b|\bals du mich verletzt hast\b|"
            r"\bvertrauensbruch\b",
            _I,
        ),
        "marriage": re.compile(
            r"\bhochzeit\w*|\behe\b|\behe(mann|frau|partner\w*|leben)\b|\bverheiratet\b|"
            r"\bflitterwochen\b|\bverlob\w*|\beheversprechen\b",
            _I,
        ),
        "children": re.compile(
            r"\b(eure|deine|unsere) kinder\b|\b(euer|dein|unser) (kind|baby|sohn)\b|"
            r"\b(eure|deine|unsere) tochter\b|\bals eltern\b|\benkel\w*",
            _I,
        ),
        "living together": re.compile(
            r"\b(eure|unsere) (gemeinsame )?(wohnung|küche|couch)\b|"
            r"\b(euer|unser) (gemeinsames )?(haus|zuhause|bett|sofa|schlafzimmer)\b|"
            r"\bzusammengezogen\b|\bseit ihr zusammen wohnt\b",
            _I,
        ),
        "religion": re.compile(
            r"\bkirche\b|\bmoschee\b|\bsynagoge\b|\btempel\b|\bbet(e|en|et)\b|\bgebet(e|s)?\b|"
            r"\bgott\b|\bdein glaube\b",
            _I,
        ),
        "health": re.compile(
            r"\bdeine (krankheit|diagnose|behinderung|schwangerschaft|therapeutin)\b|"
            r"\bdein therapeut\b|\bschwanger\w*|\bim krankenhaus\b|\bals du krank warst\b|"
            r"\bmedikament\w*",
            _I,
        ),
        "a family of origin": re.compile(
            r"\bdeine (mutter|mama|eltern|schwiegereltern|schwiegermutter)\b|"
            r"\bdein (vater|papa|schwiegervater)\b",
            _I,
        ),
    },
    explicit=re.compile(
        r"\b(sex\w*|nackt\w*|erotisch\w*|erregt\w*|erregung|orgasm\w*|vorspiel|dessous|"
        r"geil\w*|verführ\w*|sinnlich\w*|im bett|scharf auf|auszieh\w*)\b",
        _I,
    ),
    the_other=re.compile(
        r"\b(der|die) andere\b(?! (seite|hälfte|ende|tag|mal|weg|zeit)\b)|"
        r"(?<!nach )\bde[mn] anderen\b(?! (seite|hälfte|ende|tag|mal|weg|zeit)\b)",
        _I,
    ),
    one_gender=re.compile(r"\bdein(em|en)? partner\b(?! oder)|\bdeine[rn]? partnerin\b", _I),
    therapy=re.compile(r"\btherap\w*|\bheil(en|t|ung)\b|\bbehandl\w*", _I),
    motifs={
        "songs and music": re.compile(r"\b(lied\w*|song\w*|musik\w*|playlist\w*|sing\w*)\b", _I),
        "dancing": re.compile(r"\btanz\w*|\bgetanzt\b", _I),
        "food": re.compile(
            r"\b(essen|isst|gegessen|mahlzeit\w*|frühstück\w*|abendessen|mittagessen|"
            r"koch\w*|rezept\w*|gericht\w*|snack\w*|pizza|nachtisch|dessert\w*|back(en|t)|"
            r"kuchen|kaffee|tee|suppe|pfannkuchen)\b",
            _I,
        ),
        "childhood": re.compile(r"\bkindheit\b|\bals kind\b|\bals du klein warst\b", _I),
        "hugs": re.compile(r"\b(umarm\w*|kuschel\w*)\b", _I),
        "rain": re.compile(r"\b(regen\w*|regnet\w*)\b", _I),
        "movies": re.compile(r"\b(film\w*|kino\w*)\b", _I),
    },
)

SPANISH = CraftRules(
    stopwords=_words(
        "el la los las lo un una unos unas y e o u pero si de del a al en con por para sobre "
        "como es son era eran ser fue está están estar esto esta este eso esa ese qué que cuál "
        "quién cuándo dónde cómo sería podría debería puede yo me mi mis tú te ti tu tus nos "
        "nuestro nuestra vosotros os vuestro vuestra él ella le les su sus se uno solo ya "
        "también muy más has ha habéis hay"
    ),
    handover=re.compile(
        r"\b(cuént\w*|cont\w*|di|decid|dile|decidle|decíos|pregúnt\w*|describ\w*|nombr\w*|"
        r"termin\w*|respond\w*|adelante|te toca|os toca|toma|tomad|escuch\w*|empiez\w*|"
        r"empezad|gracias|habl\w*|deja|dejad|elig\w*|elegid|piens\w*|pensad|mir\w*|"
        r"sentaos|recuerd\w*|imagin\w*|compart\w*|campanilla|sonará)\b",
        _I,
    ),
    presupposing={
        "a breach or a hurt": re.compile(
            r"\binfidelidad\b|\bme engañaste\b|\bos engañ\w*|\bvuestra ruptura\b|"
            r"\bvuestra (peor|última|mayor) (pelea|discusión)\b|\bcuando me hiciste daño\b",
            _I,
        ),
        "marriage": re.compile(
            r"\bboda\w*|\bmatrimonio\w*|\bmarido\b|\besposo\b|\besposa\b|\btu mujer\b|"
            r"\bluna de miel\b|\bprometid\w*|\bcasad\w*|\bvotos\b",
            _I,
        ),
        "children": re.compile(
            r"\b(vuestros|tus|nuestros) (hijos|niños|nietos)\b|"
            r"\b(vuestro|tu|nuestro) (hijo|bebé|niño)\b|\b(vuestra|tu|nuestra) hija\b|"
            r"\bcomo padres\b",
            _I,
        ),
        "living together": re.compile(
            r"\b(vuestra|nuestra) (casa|cama|cocina|habitación)\b|"
            r"\b(vuestro|nuestro) (piso|hogar|sofá|dormitorio)\b|"
            r"\bdesde que vivís juntos\b|\bos fuisteis a vivir juntos\b",
            _I,
        ),
        "religion": re.compile(
            r"\biglesia\b|\bmezquita\b|\bsinagoga\b|\bmisa\b|\brez(ar|as|áis|o)\b|"
            r"\boración\b|\bdios\b|\btu fe\b",
            _I,
        ),
        "health": re.compile(
            r"\btu (enfermedad|diagnóstico|discapacidad|embarazo|terapeuta|medicación)\b|"
            r"\bembarazad\w*|\ben el hospital\b|\bcuando estabas enferm\w*",
            _I,
        ),
        "a family of origin": re.compile(
            r"\btu (madre|padre|mamá|papá|suegra|suegro)\b|\btus (padres|suegros)\b", _I
        ),
    },
    explicit=re.compile(
        r"\b(sexo|sexual\w*|desnud\w*|erótic\w*|excitad\w*|orgasmo\w*|lencería|desvest\w*|"
        r"seduc\w*|sensual\w*|en la cama|cachond\w*|sexy)\b",
        _I,
    ),
    the_other=re.compile(
        r"\b(el otro|la otra)\b(?! (día|lado|vez|semana|noche|mañana|extremo|mitad|cosa)\b)",
        _I,
    ),
    one_gender=re.compile(r"\btu (novio|novia|chico|chica)\b", _I),
    therapy=re.compile(r"\bterap\w*|\bcur(ar|a|ará)\b|\btratamiento\b|\bsanar\b", _I),
    motifs={
        "songs and music": re.compile(
            r"\b(canci(ón|ones)|música\w*|cantar|cantando|cantaste|cantas|playlist\w*)\b", _I
        ),
        "dancing": re.compile(r"\bbail\w*", _I),
        "food": re.compile(
            r"\b(comida\w*|comer|comiste|cena\w*|cenar|desayun\w*|almuerz\w*|cocin\w*|"
            r"receta\w*|plato\w*|postre\w*|pizza\w*|café|tarta\w*|helado\w*|sopa\w*|tortitas)\b",
            _I,
        ),
        "childhood": re.compile(
            r"\binfancia\b|\bde (pequeñ|niñ)\w*|\bcuando eras (pequeñ|niñ)\w*", _I
        ),
        "hugs": re.compile(r"\babraz\w*", _I),
        "rain": re.compile(r"\b(lluvia\w*|llover|llueve|llovía)\b", _I),
        "movies": re.compile(r"\b(película\w*|peli|pelis|cine)\b", _I),
    },
)

RULES = {"de": GERMAN, "es": SPANISH}

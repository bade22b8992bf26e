"""Hand-made signed-off results in the shape certificates.content.results_for documents."""

from datetime import date

LEVELS = [
    {
        "code": "0",
        "label": {"en": "Not yet demonstrated", "fi": "Ei vielä osoitettu", "sv": "Ännu inte påvisat"},
        "passing": False,
    },
    {"code": "1", "label": {"en": "Satisfactory", "fi": "Tyydyttävä", "sv": "Försvarlig"}, "passing": True},
    {
        "code": "3",
        "label": {"en": "Good", "fi": "Hyvä", "sv": "God", "ar": "جيد", "ru": "Хорошо", "ti": "ጽቡቕ"},
        "passing": True,
    },
    {"code": "5", "label": {"en": "Excellent", "fi": "Kiitettävä", "sv": "Berömlig"}, "passing": True},
]


def results(**overrides) -> dict:
    data = {
        "qualification": {
            "code": "catering-2026",
            "version": 2,
            "source": "OPH-2147-2020",
            "name": {
                "en": "Vocational Qualification in Catering",
                "fi": "Ravintola-alan perustutkinto",
                "sv": "Grundexamen i restaurangbranschen",
            },
            "field": {"en": "Hospitality", "fi": "Majoitus- ja ravitsemisala"},
        },
        "scale": {
            "code": "fi-vocational-1-5",
            "name": {"en": "Scale 1–5", "fi": "Asteikko 1–5", "sv": "Skala 1–5"},
            "levels": LEVELS,
        },
        "units": [
            {
                "code": "U1",
                "name": {
                    "en": "Working in catering",
                    "fi": "Ruokapalveluissa toimiminen",
                    "sv": "Arbete inom kosthåll",
                    "ru": "Работа в общественном питании",
                    "ti": "ስራሕ ኣብ መግቢ",
                },
                "credits": 25,
                "formally_recognised": True,
                "outcomes": [
                    {
                        "code": "U1.1",
                        "text": {
                            "en": "Prepares cold dishes following a recipe",
                            "fi": "Valmistaa kylmiä ruokia ohjeen mukaan",
                            "sv": "Tillreder kalla rätter enligt recept",
                            "ru": "Готовит холодные блюда по рецепту",
                            "ar": "يحضّر الأطباق الباردة وفق الوصفة",
                            "ti": "ዝሑል መግቢ ብመምርሒ ተዳልው",
                        },
                        "level": {"code": "3", "label": LEVELS[2]["label"]},
                        "shown_by": ["interview", "workplace"],
                    },
                    {
                        "code": "U1.2",
                        "text": {"en": "Keeps the kitchen hygienic", "fi": "Huolehtii keittiöhygieniasta"},
                        "level": {"code": "5", "label": LEVELS[3]["label"]},
                        "shown_by": ["portfolio"],
                    },
                    {
                        "code": "U1.3",
                        "text": {"en": "Plans the menu of a week", "fi": "Suunnittelee viikon ruokalistan"},
                        "level": {"code": "0", "label": LEVELS[0]["label"]},
                        "shown_by": ["interview"],
                    },
                ],
            },
        ],
        "assessors": [
            {"name": "Matti Opettaja", "role": "teacher", "organisation": "Savonia Vocational College"},
            {"name": "Sari Työpaikkaohjaaja", "role": "workplace_tutor", "organisation": "Hotel Kallavesi Oy"},
        ],
        "decided_on": date(2026, 3, 5),
    }
    data.update(overrides)
    return data

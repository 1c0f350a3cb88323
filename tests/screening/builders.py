"""Answer sets for screening tests: every person here is synthetic."""


def adult(**answers: object) -> dict[str, object]:
    """A Honduran man of 34 screened in Mexico, who says he does not fear returning."""
    base: dict[str, object] = {
        "age_years": 34,
        "sex": "male",
        "nationality": "HN",
        "country_of_identification": "MX",
        "fear_of_return": False,
    }
    return {**base, **answers}


def child(**answers: object) -> dict[str, object]:
    """A Guatemalan boy of 15 screened in Mexico, travelling alone, who does not fear returning."""
    base: dict[str, object] = {
        "age_years": 15,
        "sex": "male",
        "nationality": "GT",
        "country_of_identification": "MX",
        "travelling_alone": True,
        "fear_of_return": False,
    }
    return {**base, **answers}

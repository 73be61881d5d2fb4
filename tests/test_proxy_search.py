"""Finding a proxy: search with stemming and synonyms, near words, listing, and display."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sroi.cli import cli
from sroi.proxies import load
from sroi.proxies.search import SYNONYMS, near_words, stem, words


@pytest.fixture(scope="module")
def table():
    return load()


def _top(table, text: str, n: int = 3):
    found = table.search(text, limit=n)
    assert len(found), text
    return list(found)


def _text(p) -> str:
    return f"{p.id} {p.name} {p.note}".lower()


# -- the words a council or housing association searches for -------------------------

# (query, what a relevant row is): every one of the first three results must be relevant.
RELEVANT = {
    "unemployed": lambda p: (
        p.category == "employment"
        and any(w in _text(p) for w in ("workless", "jobseeker", "job seeker", "unemploy"))
    ),
    "NEET": lambda p: "neet" in p.name.lower(),
    "debt": lambda p: (
        (p.category == "housing" and "arrears" in _text(p)) or p.source_code.startswith("HO1.0")
    ),
    "training": lambda p: (
        p.category == "education"
        and any(w in p.name.lower() for w in ("apprenticeship", "qualification", "nvq", "btec"))
    ),
    "anxiety": lambda p: "anxiety" in p.name.lower(),
    "depression": lambda p: "depression" in p.name.lower(),
    # no open source values smoking itself: the NHS costs of the diseases it causes
    "smoking": lambda p: p.source_code in {"HE7.4", "HE7.5", "HE7.6", "HE7.7"},
    # confidence is valued through wellbeing (the WELLBY)
    "confidence": lambda p: p.id.startswith("hmt_wellby") or p.category == "wellbeing",
    "homelessness": lambda p: (
        p.category == "housing"
        and any(w in _text(p) for w in ("homeless", "rough sleep", "temporary accommodation"))
    ),
    "loneliness": lambda p: (
        p.id == "dcms_chronic_loneliness_cost_per_person_year"
        or p.category == "wellbeing"
        or "volunteer" in p.id
    ),
}


@pytest.mark.parametrize("query", list(RELEVANT))
def test_a_search_for_the_fields_words_finds_relevant_rows(table, query):
    top = _top(table, query)
    assert len(top) == 3
    for proxy in top:
        assert RELEVANT[query](proxy), (query, proxy.id, proxy.name)


def test_the_best_row_for_each_word(table):
    assert table.search("NEET", limit=1).ids == ("ucd_ee10_0_fiscal",)
    assert table.search("debt", limit=1).ids == ("ucd_ho1_0_1_fiscal",)  # rent arrears
    assert table.search("loneliness", limit=1).ids == (
        "dcms_chronic_loneliness_cost_per_person_year",
    )
    assert table.search("rough sleeping", limit=1).ids == ("ucd_ho6_0_fiscal",)
    assert table.search("unemployed into work", limit=1).ids == ("ucd_ee1_0_fiscal",)
    assert table.search("mental health", limit=1).ids[0].startswith("ucd_he11_")


def test_synonyms_find_the_same_rows(table):
    # workless is in the names; unemployed and jobseeker only through the synonym list
    assert set(table.search("workless claimant", limit=5).ids) & set(
        table.search("unemployed claimant", limit=5).ids
    )
    assert table.search("isolation", limit=1).ids == table.search("loneliness", limit=1).ids
    assert table.search("arrears", limit=1).ids == table.search("debt", limit=1).ids
    assert table.search("tobacco", limit=2).ids == table.search("smoking", limit=2).ids


def test_stemming():
    assert stem("homelessness") == "homeless"
    assert stem("unemployed") == stem("unemployment") == "unemploy"
    assert stem("qualifications") == "qualification"
    assert stem("offences") == "offence" and stem("homes") == "home"
    assert stem("ness") == "ness"  # at least four letters are kept
    assert words("The cost of rough sleeping, per year") == ["rough", "sleep", "year"]


def test_every_synonym_group_is_well_formed():
    for same, related in SYNONYMS:
        assert same and all(words(w) for w in (*same, *related)), same


def test_stemmed_and_plural_queries_match(table):
    assert table.search("homeless", limit=5).ids == table.search("homelessness", limit=5).ids
    assert table.search("NEETs", limit=3).ids == table.search("NEET", limit=3).ids


def test_cost_codes_and_ids_come_first(table):
    assert table.search("CR8.4").ids[:3] == (
        "ucd_cr8_4_fiscal",
        "ucd_cr8_4_economic",
        "ucd_cr8_4_social",
    )
    assert table.search("e&e1.0", limit=1).ids == ("ucd_ee1_0_fiscal",)  # any case
    assert table.search("ucd_he20_4_fiscal", limit=1).ids == ("ucd_he20_4_fiscal",)
    assert table.search("ucd_gp_home_visit", limit=1).ids == ("ucd_he20_4_fiscal",)


def test_search_looks_in_the_source(table):
    # "Curtis" is only in the sources of PSSRU figures
    found = table.search("Curtis", limit=50)
    assert len(found) == 50
    assert all("Curtis" in p.source for p in found)


def test_a_search_that_finds_nothing_suggests_near_words(table):
    assert table.search("homelesnes").ids == ()
    assert table.near_words("homelesnes") == ["homelessness", "homeless"]
    assert table.near_words("aprenticeship")[0] == "apprenticeship"
    assert table.search("zzzzqqq").ids == () and table.near_words("zzzzqqq") == []
    assert near_words("the of", ["theft"]) == []  # common words are not corrected


def test_search_result_html_shows_value_unit_price_year_data_age_and_source(table):
    shown = table.search("rough sleeping", limit=2)._repr_html_()
    for text in (
        "matching <i>rough sleeping</i>",
        "ucd_ho6_0_fiscal",
        "7900",
        "GBP / person / year",
    ):
        assert text in shown, text
    for column in ("value", "unit", "price_year", "data_age", "source"):
        assert f"<th>{column}</th>" in shown, column
    assert "amber" in shown and "Unit Cost Database v1.4 (March 2015), sheet 'Housing'" in shown
    nothing = table.search("homelesnes")._repr_html_()
    assert "No proxy matches" in nothing and "homelessness" in nothing
    whole = table._repr_html_()
    assert "financial proxies" in whole and "<th>data_age</th>" in whole


def test_filter_by_bearer_detail_and_head(table):
    ccg = table.filter(bearer="clinical commissioning group")
    assert len(ccg) > 100 and {p.bearer for p in ccg} == {"NHS"}
    assert table.filter(category="housing", value_type="fiscal").head(2).ids == (
        "ucd_ho1_0_fiscal",
        "ucd_ho1_0_1_fiscal",
    )
    assert len(table.head(0)) == 0


# -- the command line -----------------------------------------------------------------


def run(*args: str, columns: int = 200):
    """The command line in-process, on a terminal wide enough for one line per proxy."""
    env = {"COLUMNS": str(columns)}
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


def test_cli_list_filters_without_a_search_term(table):
    out = run("proxies", "list", "--category", "housing", "--value-type", "fiscal")
    assert out.exit_code == 0
    ids = [line.split()[0] for line in out.stdout.splitlines()[2:]]
    assert ids == list(table.filter(category="housing", value_type="fiscal").ids)
    assert len(ids) == 36 and "36 proxies." in out.stderr
    out = run("proxies", "list", "--bearer", "nhs", "--category", "social_care", "-n", "2")
    assert out.exit_code == 0 and len(out.stdout.splitlines()) == 4
    assert "(the first 2 shown)" in out.stderr
    out = run("proxies", "list", "--category", "environment", "--bearer", "DWP")
    assert out.exit_code == 0 and "No proxy meets these filters." in out.stderr
    assert run("proxies", "list", "--category", "housng").exit_code == 2  # not a category


def test_cli_search_by_bearer_and_near_words(table):
    out = run("proxies", "search", "alcohol", "--bearer", "Local authority")
    assert out.exit_code == 0
    rows = [table.get(line.split()[0]) for line in out.stdout.splitlines()[2:]]
    assert rows
    for p in rows:  # the bearer, an agency of the split, or the bearer detail
        names = {p.bearer, p.bearer_detail, *(agency for agency, _ in p.bearer_split)}
        assert "Local authority" in names, p.id
    out = run("proxies", "search", "homelesnes")
    assert out.exit_code == 0 and out.stdout == ""
    assert "No proxy matches 'homelesnes'. Near words: homelessness, homeless." in out.stderr


def test_cli_show_gives_data_age_transfer_code_and_replaced_ids():
    out = run("proxies", "show", "ucd_ee1_2_fiscal")
    assert out.exit_code == 0
    text = " ".join(out.stdout.split())
    assert "data age green: price year 2011/12 or later (the Unit Cost Database's rule)" in text
    assert "transfer payment all of the value (benefits or taxes: money moved, not saved)" in text
    assert "source code E&E1.2" in text and "bearer detail JCP" in text
    out = run("proxies", "show", "ucd_cr1_0_fiscal")
    assert "data age red: price year 2007/08 or earlier" in " ".join(out.stdout.split())
    out = run("proxies", "show", "ucd_gp_home_visit")  # an older id
    assert out.exit_code == 0 and "ucd_he20_4_fiscal" in out.stdout.splitlines()[0]
    assert "Warning: proxy id 'ucd_gp_home_visit' is an older id" in out.stderr
    assert "replaces ucd_gp_home_visit" in " ".join(out.stdout.split())


def test_a_and_e_is_found_by_its_letters_and_one_letter_words_match_nothing():
    from sroi.proxies import load

    table = load()
    for query in ("A&E", "A and E", "accident and emergency"):
        assert next(iter(table.search(query, limit=1).ids)).startswith("ucd_he4_"), query


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_cli_proxy_table_fits_the_terminal(table, columns):
    """On a narrow terminal the bearer wraps or goes under its row, named; nothing is lost."""
    out = run("proxies", "list", "--category", "housing", columns=columns)
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    text = " ".join(out.stdout.split())
    for p in list(table.filter(category="housing"))[:10]:
        assert p.id in text

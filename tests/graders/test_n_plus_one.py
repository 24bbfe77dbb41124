"""n_plus_one: queries and lazy loads per row of an earlier query; per-item lookups."""

from __future__ import annotations

import textwrap

from static_grader_helpers import assert_accuracy, grade


def _grade(src: str):  # type: ignore[no-untyped-def]
    return grade("n_plus_one", {"report.py": textwrap.dedent(src)})


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("n_plus_one")


def test_evidence_names_the_inner_query_and_the_outer_one() -> None:
    g = _grade(
        """
        def report(conn):
            orders = conn.execute("SELECT id, customer_id FROM orders").fetchall()
            for o in orders:
                c = conn.execute("SELECT name FROM customers WHERE id = ?", (o[1],)).fetchone()
        """
    )
    assert g.verdict == "fail" and g.rule_ids == ["never-ignore-n-plus-one"]
    (ev,) = g.evidence
    assert (ev.file, ev.line) == ("report.py", 5)
    assert "conn.execute.fetchone()" in ev.message and "line 3" in ev.message


def test_lazy_relationship_needs_eager_loading() -> None:
    model = """
        from sqlalchemy.orm import relationship, selectinload
        from sqlalchemy import select

        class Order(Base):
            customer = relationship("Customer")

        def names(session):
            return [o.customer.name for o in session.scalars(select(Order){opts})]
        """
    bad = _grade(model.format(opts=""))
    assert bad.verdict == "fail" and "relationship `customer`" in bad.evidence[0].message
    good = _grade(model.format(opts=".options(selectinload(Order.customer))"))
    assert good.verdict == "pass"


def test_loops_over_plain_inputs_only_flag_lookups() -> None:
    capped = """
        def fetch(db, ids):
            if len(ids) > 20:
                raise ValueError("too many")
            return [db.execute("SELECT * FROM t WHERE id = ?", (i,)).fetchone() for i in ids]
        """
    assert _grade(capped).verdict == "pass"
    uncapped = """
        def resolve(db, rows):
            out = []
            for r in rows:
                out.append(db.execute("SELECT id FROM c WHERE email = ?", (r,)).fetchone())
            return out
        """
    assert _grade(uncapped).verdict == "fail"
    batches = """
        def insert(db, values):
            for start in range(0, len(values), 500):
                db.executemany("INSERT INTO t VALUES (?)", values[start : start + 500])
        """
    assert _grade(batches).verdict == "pass"


def test_flask_session_get_is_not_a_query() -> None:
    src = """
        from flask import session

        def prefs(db):
            for row in db.execute("SELECT key FROM prefs").fetchall():
                session.get("user_id")
        """
    assert _grade(src).verdict == "pass"


def test_unparsable_is_error() -> None:
    assert grade("n_plus_one", {"a.py": "for x in\n"}).verdict == "error"


# -- real-code sweep cause (#17): relationships belong to their model -----------------

_MODELS = (
    "class Event(Base):\n    owner = Column(String)\n\n\n"
    "class Ticket(Base):\n    owner = relationship('User')\n    tags = relationship('Tag')\n\n\n"
)


def test_attribute_that_is_a_relationship_of_another_model_is_not_a_lazy_load() -> None:
    src = _MODELS + (
        "def export(db):\n    for e in db.query(Event).all():\n        print(e.owner)\n"
    )
    assert grade("n_plus_one", {"app.py": src}).verdict == "pass"


def test_relationship_of_the_rows_model_is_a_lazy_load() -> None:
    src = _MODELS + (
        "def export(db):\n    for t in db.query(Ticket).all():\n        print(t.owner.name)\n"
    )
    assert grade("n_plus_one", {"app.py": src}).verdict == "fail"


def test_rows_of_unknown_model_need_a_name_that_is_only_ever_a_relationship() -> None:
    src = _MODELS + (
        "def export(db):\n    rows = get_rows(db)\n    for r in db.scalars(rows).all():\n"
        "        print(r.owner, r.tags)\n"
    )
    g = grade("n_plus_one", {"app.py": src})
    assert g.verdict == "fail"
    assert ["tags" in e.message for e in g.evidence] == [True]


def test_a_relationship_is_reported_once_per_loop_where_it_is_first_loaded() -> None:
    src = _MODELS + (
        "def export(db):\n    for t in db.query(Ticket).all():\n"
        "        print(t.owner.name)\n        print(t.owner.email)\n"
    )
    g = grade("n_plus_one", {"app.py": src})
    assert [e.line for e in g.evidence] == [12]

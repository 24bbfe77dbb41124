# BAD: a WHERE fragment from the caller is concatenated into text() and executed on a Core connection.
from sqlalchemy import create_engine, text

engine = create_engine("sqlite:///crm.db")


def find_leads(owner: str, stage: str | None = None) -> list[dict]:
    where = "owner = '" + owner + "'"
    if stage is not None:
        where = where + " AND stage = '" + stage + "'"
    with engine.connect() as conn:
        result = conn.execute(text("SELECT id, company, stage FROM leads WHERE " + where))
        return [dict(row._mapping) for row in result]


def stage_counts() -> dict[str, int]:
    with engine.connect() as conn:
        result = conn.execute(text("SELECT stage, count(*) FROM leads GROUP BY stage"))
        return {stage: n for stage, n in result}


if __name__ == "__main__":
    for lead in find_leads("maria", "qualified"):
        print(lead)
    print(stage_counts())
    engine.dispose()
    print("ok")

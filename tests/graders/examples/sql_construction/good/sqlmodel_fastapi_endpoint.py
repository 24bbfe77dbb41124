# FastAPI + SQLModel endpoint with select() and filters.
from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Field, Session, SQLModel, select

from app.db import get_session

app = FastAPI()


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    team: str | None = None


@app.get("/heroes")
def heroes(team: str | None = None, session: Session = Depends(get_session)) -> list[Hero]:
    stmt = select(Hero)
    if team is not None:
        stmt = stmt.where(Hero.team == team)
    return list(session.exec(stmt).all())


@app.get("/heroes/{hero_id}")
def hero(hero_id: int, session: Session = Depends(get_session)) -> Hero:
    found = session.get(Hero, hero_id)
    if found is None:
        raise HTTPException(status_code=404, detail="hero not found")
    return found

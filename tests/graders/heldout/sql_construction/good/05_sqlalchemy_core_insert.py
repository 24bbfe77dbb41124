# GOOD: SQLAlchemy Core insert()/update() with bound values from the request body.
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, update

engine = create_engine("sqlite:///notes.db")
metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("body", String, nullable=False),
)
app = FastAPI()


class NoteIn(BaseModel):
    owner: str
    body: str


@app.post("/notes", status_code=201)
def create_note(note: NoteIn) -> dict[str, int]:
    with engine.begin() as conn:
        result = conn.execute(insert(notes).values(owner=note.owner, body=note.body))
    return {"id": int(result.inserted_primary_key[0])}


@app.put("/notes/{note_id}")
def edit_note(note_id: int, note: NoteIn) -> dict[str, int]:
    with engine.begin() as conn:
        result = conn.execute(update(notes).where(notes.c.id == note_id).values(body=note.body))
    return {"updated": result.rowcount}

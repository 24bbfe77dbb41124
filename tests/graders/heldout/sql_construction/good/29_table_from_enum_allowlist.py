# GOOD: table name comes from a constant dict keyed by an Enum; ids are ? parameters.
import enum
import sqlite3

from fastapi import FastAPI, HTTPException

app = FastAPI()


class Kind(str, enum.Enum):
    photo = "photo"
    video = "video"
    doc = "doc"


TABLES: dict[Kind, str] = {
    Kind.photo: "media_photos",
    Kind.video: "media_videos",
    Kind.doc: "media_documents",
}


@app.delete("/media/{kind}/{item_id}", status_code=204)
def delete_media(kind: Kind, item_id: int) -> None:
    table = TABLES[kind]
    conn = sqlite3.connect("media.db")
    try:
        cur = conn.execute(f"DELETE FROM {table} WHERE id = ?", (item_id,))
        conn.commit()
    finally:
        conn.close()
    if cur.rowcount == 0:
        raise HTTPException(status_code=404, detail="media not found")

# Member counts per team in one GROUP BY query with an outer join.
from flask import Flask, jsonify
from sqlalchemy import func

from .models import Member, Team, db

app = Flask(__name__)


@app.get("/teams")
def teams():
    rows = (
        db.session.query(Team.name, func.count(Member.id))
        .outerjoin(Member, Member.team_id == Team.id)
        .group_by(Team.name)
        .order_by(Team.name)
        .all()
    )
    return jsonify([{"team": name, "members": count} for name, count in rows])

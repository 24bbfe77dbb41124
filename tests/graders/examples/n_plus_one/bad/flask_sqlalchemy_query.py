# Flask-SQLAlchemy: one query per team to count its members.
from flask import Flask, jsonify

from .models import Member, Team

app = Flask(__name__)


@app.get("/teams")
def teams():
    out = []
    for team in Team.query.order_by(Team.name).all():
        members = Member.query.filter_by(team_id=team.id).count()
        out.append({"team": team.name, "members": members})
    return jsonify(out)

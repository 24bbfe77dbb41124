# BAD: django.db.connection.cursor() executing SQL built with .format from URL kwargs.
from django.db import connection
from django.http import JsonResponse


def _dictfetchall(cursor):
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


def team_stats(request, team_id):
    season = request.GET.get("season", "2024")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT player_id, sum(goals) AS goals FROM league_match_stats "
            "WHERE team_id = {team} AND season = '{season}' "
            "GROUP BY player_id ORDER BY goals DESC".format(team=team_id, season=season)
        )
        rows = _dictfetchall(cursor)
    return JsonResponse({"team": team_id, "season": season, "players": rows})


def league_table(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT team_id, points FROM league_table ORDER BY points DESC")
        rows = _dictfetchall(cursor)
    return JsonResponse({"table": rows})

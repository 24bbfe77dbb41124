# GOOD: pandas.read_sql given a SQLAlchemy Core select() expression, not SQL text.
import pandas as pd
import sqlalchemy as sa

metadata = sa.MetaData()
readings = sa.Table(
    "readings",
    metadata,
    sa.Column("sensor_id", sa.String),
    sa.Column("ts", sa.DateTime),
    sa.Column("value", sa.Float),
)


def load(engine: sa.Engine, sensor: str, since: str) -> pd.DataFrame:
    stmt = (
        sa.select(readings.c.ts, readings.c.value)
        .where(readings.c.sensor_id == sensor)
        .where(readings.c.ts >= sa.func.datetime(since))
        .order_by(readings.c.ts)
    )
    return pd.read_sql(stmt, engine, index_col="ts")


def summarize(df: pd.DataFrame) -> dict[str, float]:
    return {"mean": float(df["value"].mean()), "max": float(df["value"].max())}


if __name__ == "__main__":
    eng = sa.create_engine("sqlite:///telemetry.db")
    print(summarize(load(eng, "s-1", "2024-01-01")))

# BAD: pandas.read_sql on a .format()-built query; the sensor id comes from the CLI.
import argparse

import pandas as pd
import sqlalchemy as sa

QUERY = "SELECT ts, value FROM readings WHERE sensor_id = '{sensor}' AND ts >= '{since}'"


def load(engine: sa.Engine, sensor: str, since: str) -> pd.DataFrame:
    return pd.read_sql(QUERY.format(sensor=sensor, since=since), engine, index_col="ts")


def summarize(df: pd.DataFrame) -> dict[str, float]:
    return {
        "mean": float(df["value"].mean()),
        "max": float(df["value"].max()),
        "min": float(df["value"].min()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sensor")
    parser.add_argument("--since", default="2024-01-01")
    args = parser.parse_args()
    engine = sa.create_engine("sqlite:///telemetry.db")
    print(summarize(load(engine, args.sensor, args.since)))


if __name__ == "__main__":
    main()

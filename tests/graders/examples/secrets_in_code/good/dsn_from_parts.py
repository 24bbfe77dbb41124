# Connection URL assembled from environment variables, the template holds no password.
import os

from sqlalchemy import URL, create_engine

url = URL.create(
    "postgresql+psycopg2",
    username=os.environ["DB_USER"],
    password=os.environ["DB_PASSWORD"],
    host=os.environ.get("DB_HOST", "localhost"),
    database="orders",
)
engine = create_engine(url)

# SQLAlchemy engine URL embeds the production password.
from sqlalchemy import create_engine

engine = create_engine("postgresql+psycopg2://billing:N0tS0Secret!@prod-db.internal:5432/billing", pool_pre_ping=True)

# Database password fetched from AWS Secrets Manager at startup.
import json

import boto3
import psycopg2


def db_connection(secret_id: str):
    client = boto3.client("secretsmanager")
    secret = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    return psycopg2.connect(host=secret["host"], dbname=secret["dbname"], user=secret["username"], password=secret["password"])

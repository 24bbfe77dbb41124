# AWS access key pair passed straight to boto3.
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIA0E2ZO44LJYB8YK1U",
    aws_secret_access_key="i2Ncl68XPDtwmMuWeen82ZNqO9vu1bFxQgBxirGy",
    region_name="eu-west-1",
)


def upload(path: str, bucket: str, key: str) -> None:
    s3.upload_file(path, bucket, key)

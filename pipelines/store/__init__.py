"""Object stores beyond the local directory, and the spool that feeds them.

- `pipelines.store.s3`: S3Store (boto3; imported only when an ``s3://`` URI is used)
- `pipelines.store.digest`: the local digests an upload is confirmed against
- `pipelines.store.spool`: SpooledStore, the local spool every object is written to first
- `pipelines.store.uploader`: background uploads with retries, backoff and a pause on outage
"""

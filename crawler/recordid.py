"""WARC record ids in the form the catalog and the store use."""


def bare_id(record_id: str) -> str:
    """``<urn:uuid:X>`` -> ``X``: the catalog's and the store's form of a record id."""
    return record_id.strip("<>").removeprefix("urn:uuid:")

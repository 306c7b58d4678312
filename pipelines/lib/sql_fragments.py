"""Small SQL expression builders shared by the feed specs (JSON record in ``r.payload``)."""


def text(path: str) -> str:
    """A string at a JSON path such as 'from.id' (NULL when absent)."""
    return f"json_extract_string(r.payload, '$.{path}')"


def bigint(path: str) -> str:
    return f"try_cast(json_extract_string(r.payload, '$.{path}') as bigint)"


def boolean(path: str) -> str:
    """JSON true/false (NULL when absent or not a boolean)."""
    return f"try_cast(json_extract_string(r.payload, '$.{path}') as boolean)"


def timestamp(path: str) -> str:
    """ISO 8601 in any of the platforms' variants ('+0000', 'Z', milliseconds) to an instant in UTC."""
    return f"try_cast(json_extract_string(r.payload, '$.{path}') as timestamptz)"


def text_list(path: str) -> str:
    return f"json_extract_string(r.payload, '$.{path}[*]')"


def referenced_tweet(kind: str) -> str:
    """Id of the tweet this one replies to / quotes / retweets (X v2 ``referenced_tweets``)."""
    return (f"list_filter(json_extract(r.payload, '$.referenced_tweets[*]'), "
            f"lambda t: t->>'type' = '{kind}')[1]->>'id'")


def facebook_insight(metric: str) -> str:
    """Latest value of a post insight requested inline (``insights.metric(...)``); NULL if not returned."""
    return (f"try_cast(list_filter(json_extract(r.payload, '$.insights.data[*]'), "
            f"lambda m: m->>'name' = '{metric}')[1]->'values'->-1->>'value' as bigint)")

-- Lifetime insights of the account's media, latest fetch of each metric.
{{ stage_graph_insights(source('instagram', 'media_insights'), 'media_id') }}

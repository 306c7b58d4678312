-- Page insights by day.
{{ stage_graph_insights(source('facebook', 'page_insights'), 'page_id') }}

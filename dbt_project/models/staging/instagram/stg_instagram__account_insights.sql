-- Account insights by day (values[] series and total_value totals of the window).
{{ stage_graph_insights(source('instagram', 'account_insights'), 'ig_user_id') }}

-- Posts by others that mention the brand (X mentions timeline).
{{ stage_x_posts(source('x', 'mentions')) }}

-- The brand's own posts and replies (X user timeline).
{{ stage_x_posts(source('x', 'tweets')) }}

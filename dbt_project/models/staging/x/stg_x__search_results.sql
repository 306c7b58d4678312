-- Results of the listening search (brand and competitors).
{{ stage_x_posts(source('x', 'search')) }}

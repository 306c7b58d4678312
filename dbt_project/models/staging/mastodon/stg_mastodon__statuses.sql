-- The brand account's own statuses (posts, replies, reblogs).
{{ stage_mastodon_statuses(source('mastodon', 'statuses')) }}

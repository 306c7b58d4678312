-- Replies below the brand account's statuses (their context): members' replies and the brand's answers.
{{ stage_mastodon_statuses(source('mastodon', 'replies')) }}

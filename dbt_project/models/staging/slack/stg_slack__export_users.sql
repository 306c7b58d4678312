-- The workspace's users from an imported Slack export (users.json), in the shape of stg_slack__users.
{{ stage_slack_users(source('slack', 'export_users')) }}

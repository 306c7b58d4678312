-- The workspace's users (Slack users.list), people and bots.
{{ stage_slack_users(source('slack', 'users')) }}

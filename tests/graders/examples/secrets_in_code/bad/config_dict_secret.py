# A config dict holds the Slack bot token and webhook secret.
CONFIG = {
    "slack": {
        "bot_token": "xoxb-QurjE2yyt0g-vrnmUT60VHSm-6BgxAocAqe6FbUKQhMkP16Ov",
        "channel": "#alerts",
    },
    "webhook_secret": "wh_9f8e7d6c5b4a39281706",
}

"""Local stand-ins for the services at the network edge (the Telegram Bot API, the Zalo Bot API):
real HTTP servers on localhost, used by the tests and the benchmark."""

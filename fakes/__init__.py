"""What the tests and the benchmark share: local stand-ins for the services at the network edge
(the Telegram Bot API, the Zalo Bot API; real HTTP servers on localhost) and data builders."""

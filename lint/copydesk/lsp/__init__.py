"""The language server (`copydesk lsp`, extra copydesk[lsp]): server.py speaks LSP over stdio through pygls."""

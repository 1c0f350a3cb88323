"""Typed REST endpoints. They translate HTTP into the same domain calls as the web pages."""

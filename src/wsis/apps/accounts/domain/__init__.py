"""Business rules of accounts and organizations, as keyword-only functions used by views and the API."""

"""The demo content: LOS' release of 3 May 2021, built from structured data."""

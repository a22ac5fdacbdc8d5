package store

import "database/sql"

// RawDB exposes the connection pool to the tests in store_test, which check
// the schema's constraints below the API.
func RawDB(db *DB) *sql.DB { return db.db }

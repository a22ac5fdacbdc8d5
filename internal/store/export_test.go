package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RawDB exposes the connection pool to the tests in store_test, which check
// the schema's constraints below the API.
func RawDB(db *DB) *sql.DB { return db.db }

// memoryDSN is a private in-memory database with the pragmas of dsn that
// mean something there (WAL and synchronous do not).
const memoryDSN = "file::memory:?_pragma=foreign_keys(1)&_txlock=immediate"

// OpenMemory opens a new database in memory with the current schema, for
// tests that need many fresh copies of one state: the fuzz target resets
// its database to a saved image (Image, Reset) before every run rather
// than carrying each mutant's changes into the next. The pool holds one
// connection, which owns the memory database; Export and Import run each
// of their reads and writes in one transaction, so one is enough.
func OpenMemory() (*DB, error) {
	sdb, err := sql.Open("sqlite", memoryDSN)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(1)
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	migs, err := loadMigrations(migrationFiles)
	if err == nil {
		err = migrate(context.Background(), sdb, migs)
	}
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open memory database: %w", err)
	}
	return &DB{db: sdb, path: ":memory:", Now: func() time.Time { return time.Now().UTC() }}, nil
}

// Image returns the bytes of db's database as a file would hold them.
func Image(db *DB) ([]byte, error) {
	var image []byte
	err := raw(db, func(c serializer) error {
		var err error
		image, err = c.Serialize()
		return err
	})
	return image, err
}

// Reset replaces what db (from OpenMemory) holds with image (from Image).
func Reset(db *DB, image []byte) error {
	return raw(db, func(c serializer) error { return c.Deserialize(image) })
}

// serializer is what the driver's connection offers for Image and Reset.
type serializer interface {
	Serialize() ([]byte, error)
	Deserialize([]byte) error
}

func raw(db *DB, f func(serializer) error) error {
	conn, err := db.db.Conn(context.Background())
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(serializer)
		if !ok {
			return errors.New("the driver's connection cannot serialize")
		}
		return f(c)
	})
}

package sqlitestore

import (
	"encoding/json"
	"errors"
	"math"
	"time"
)

// Times are stored as INTEGER Unix nanoseconds: exact to the nanosecond,
// ordered as integers (so an index on expires_at serves range queries) and
// free of time zones. They are read back in UTC.
//
// An int64 of nanoseconds spans the years 1678 to 2262. The zero time.Time
// lies before that span; it is stored as math.MinInt64, which sorts before
// every other value just as the zero time comes before every other time.

var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

var errTimeRange = errors.New("time outside the years 1678 to 2262, which the store cannot keep")

// encodeTime returns the stored form of t, which must be the zero time or
// lie within the range above.
func encodeTime(t time.Time) (int64, error) {
	switch {
	case t.IsZero():
		return math.MinInt64, nil
	case t.Before(minTime) || t.After(maxTime):
		return 0, errTimeRange
	}
	return t.UnixNano(), nil
}

// boundTime returns the stored form of a time a query compares with,
// clamped to the range: a time before it is before every stored time (but
// the zero time's), one after it after all of them, so the comparison
// comes out as it would between the times.
func boundTime(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// decodeTime is the inverse of encodeTime.
func decodeTime(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Credential versions (Customer.CredentialVersion, Token.CredentialVersion)
// are uint64 in Go and INTEGER, a signed 64-bit integer, in SQLite: the
// store keeps 0 to math.MaxInt64. A version only grows by one per
// password change, so that bound is never reached by use; a larger value
// handed in is refused rather than wrapped into a negative one, and the
// columns' CHECK keeps negative values out of the tables.

var errVersionRange = errors.New("credential version above 2^63-1, which the store cannot keep")

// encodeVersion returns the stored form of a credential version.
func encodeVersion(v uint64) (int64, error) {
	if v > math.MaxInt64 {
		return 0, errVersionRange
	}
	return int64(v), nil
}

// decodeVersion is the inverse of encodeVersion. The column's CHECK keeps
// n from being negative.
func decodeVersion(n int64) uint64 {
	return uint64(n)
}

// nullIfEmpty stores the empty string as NULL, for the columns whose UNIQUE
// index must not count "no value" as a value that is taken.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// encodeTags returns tags as a JSON array; none is "[]".
func encodeTags(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

// decodeTags returns the tags of a JSON array, nil for none.
func decodeTags(s string) ([]string, error) {
	var tags []string
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

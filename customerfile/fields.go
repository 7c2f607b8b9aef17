package customerfile

import (
	"slices"
	"strings"

	"github.com/shopkit/customerauth"
)

// maxRecordBytes caps one record: a CSV record or a line of JSON. A
// customer takes a few hundred bytes; a longer record is a broken file (an
// unclosed quote swallows the rest of a CSV file), and the cap keeps memory
// bounded whatever the file holds.
const maxRecordBytes = 1 << 20

// splitTags splits a comma-separated list of tags: each is trimmed, empty
// ones are dropped, and a repeated tag is kept once, where it first appears.
// It returns nil when there is no tag.
func splitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var tags []string
	for t := range strings.SplitSeq(s, ",") {
		tags = appendTag(tags, t)
	}
	return tags
}

// cleanTags trims tags, drops the empty ones and the repeated ones. It
// returns nil when no tag is left.
func cleanTags(in []string) []string {
	var tags []string
	for _, t := range in {
		tags = appendTag(tags, t)
	}
	return tags
}

func appendTag(tags []string, t string) []string {
	if t = strings.TrimSpace(t); t == "" || slices.Contains(tags, t) {
		return tags
	}
	return append(tags, t)
}

// validID reports whether id may stand in a file's id column: digits (a
// Shopify id, of any length), or anything customerauth.ValidCustomerID
// accepts (the UUIDs of customers created here).
func validID(id string) bool {
	return allDigits(id) || customerauth.ValidCustomerID(id)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

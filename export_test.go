package customerauth

import "io"

// SetMultipassRand pins the IV source of m, so that tests reproduce tokens
// made by other encoders byte for byte.
func SetMultipassRand(m *Multipass, r io.Reader) { m.rand = r }

// HashSlotsInUse reports how many password hashes s is computing now.
func HashSlotsInUse(s *Service) int { return len(s.hashSlots) }

// CachedDocuments reports how many documents s keeps parsed.
func CachedDocuments(s *Service) int {
	if s.docs == nil {
		return 0
	}
	return s.docs.Len()
}

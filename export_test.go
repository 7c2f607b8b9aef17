package customerauth

import "io"

// SetMultipassRand pins the IV source of m, so that tests reproduce tokens
// made by other encoders byte for byte.
func SetMultipassRand(m *Multipass, r io.Reader) { m.rand = r }

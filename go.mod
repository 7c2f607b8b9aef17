module github.com/shopkit/customerauth

go 1.26.0

require (
	github.com/google/uuid v1.6.0
	github.com/graphql-go/graphql v0.8.1
	golang.org/x/crypto v0.59.0
)

require golang.org/x/sys v0.50.0 // indirect

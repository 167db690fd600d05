module github.com/golessons/golessons

go 1.26.8

require github.com/google/uuid v1.6.0

require github.com/traefik/yaegi v0.16.1 // indirect

tool github.com/traefik/yaegi/cmd/yaegi

module github.com/journeyslo/journeyslo

go 1.23.0

require github.com/google/go-cmp v0.7.0 // indirect

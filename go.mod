module github.com/journeyslo/journeyslo

go 1.23.0

module github.com/modood/pushapi

go 1.14

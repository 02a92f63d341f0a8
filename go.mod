module github.com/pcapshim/pcapshim

go 1.24

module pcapshim.test/other

go 1.24

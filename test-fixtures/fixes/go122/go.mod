module example.com/fixes122

go 1.22

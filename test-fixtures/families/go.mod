module example.com/families

go 1.21
